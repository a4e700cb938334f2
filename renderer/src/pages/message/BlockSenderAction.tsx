import type { ReactElement } from 'react';
import type { BlockResult } from '../../../../common/domain/blocklist.js';
import { Alert } from '../../../../ui/Alert.js';
import { useCanCall } from '../../policy/PolicyProvider.js';
import { BlockConfirmDialog } from '../blocklist/BlockConfirmDialog.js';
import { useBlockSender } from '../blocklist/useBlockSender.js';

/**
 * "Block sender" in a message's header: asks with the number of messages it deletes, then blocks
 * the sender's address (a whole domain is blocked from Settings). The message itself is among those
 * deleted, so the view is told to show what happened instead.
 */
export function BlockSenderAction({
  sender,
  onBlocked,
}: {
  sender: string;
  onBlocked: (result: BlockResult) => void;
}): ReactElement | null {
  const block = useBlockSender(onBlocked);
  // Blocking deletes mail: not offered when the policy forbids it (the core refuses it regardless).
  const allowed = useCanCall('blocklist.add');
  if (!allowed) return null;
  return (
    <>
      <button
        type="button"
        className="btn btn-secondary btn-small message-block"
        disabled={block.flow.step === 'previewing' || block.flow.step === 'blocking'}
        onClick={() => void block.ask('address', sender)}
        aria-label={`Block ${sender}`}
        data-testid="message-block-sender"
      >
        Block sender
      </button>
      {block.flow.step === 'error' ? (
        <Alert tone="error" title="The sender was not blocked" testId="message-block-error">
          <p>{block.flow.error.message}</p>
        </Alert>
      ) : null}
      <BlockConfirmDialog flow={block.flow} onConfirm={() => void block.confirm()} onCancel={block.cancel} />
    </>
  );
}
