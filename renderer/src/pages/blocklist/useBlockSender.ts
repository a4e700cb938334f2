import { useState } from 'react';
import type { BlockKind, BlockPreview, BlockResult } from '../../../../common/domain/blocklist.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import { call } from '../../api/call.js';

/** Blocking, in steps: how many messages it would delete (for the confirmation), then the block. */
export type BlockFlow =
  | { step: 'idle' }
  | { step: 'previewing' }
  | { step: 'confirming'; preview: BlockPreview }
  | { step: 'blocking'; preview: BlockPreview }
  | { step: 'blocked'; result: BlockResult }
  | { step: 'error'; error: AppErrorShape };

export function useBlockSender(onBlocked?: (result: BlockResult) => void) {
  const [flow, setFlow] = useState<BlockFlow>({ step: 'idle' });

  const ask = async (kind: BlockKind, value: string): Promise<void> => {
    setFlow({ step: 'previewing' });
    const preview = await call('blocklist.preview', { kind, value });
    if (!preview.ok) return setFlow({ step: 'error', error: preview.error });
    if (preview.value.alreadyBlocked) {
      return setFlow({
        step: 'error',
        error: { code: 'CONFLICT', message: `${preview.value.value} is already blocked.` },
      });
    }
    setFlow({ step: 'confirming', preview: preview.value });
  };

  const confirm = async (): Promise<void> => {
    if (flow.step !== 'confirming') return;
    const { preview } = flow;
    setFlow({ step: 'blocking', preview });
    const result = await call('blocklist.add', { kind: preview.kind, value: preview.value });
    if (!result.ok) return setFlow({ step: 'error', error: result.error });
    setFlow({ step: 'blocked', result: result.value });
    onBlocked?.(result.value);
  };

  return { flow, ask, confirm, cancel: () => setFlow({ step: 'idle' }) };
}

export function messagesText(n: number): string {
  return `${n} ${n === 1 ? 'message' : 'messages'}`;
}
