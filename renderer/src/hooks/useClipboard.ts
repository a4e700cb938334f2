import { useCallback, useEffect, useRef, useState } from 'react';

/** 'unavailable': the clipboard API is missing or refused; the caller offers a manual copy. */
export type CopyState = 'idle' | 'copied' | 'unavailable';

const CONFIRMATION_MS = 2500;

export function useClipboard(): { state: CopyState; copy: (text: string) => Promise<boolean> } {
  const [state, setState] = useState<CopyState>('idle');
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => () => window.clearTimeout(timer.current), []);

  const copy = useCallback(async (text: string): Promise<boolean> => {
    window.clearTimeout(timer.current);
    // navigator.clipboard is undefined outside secure contexts, and writeText can be refused
    // by permissions policy or when the window lacks focus.
    const clipboard = navigator.clipboard as Clipboard | undefined;
    let copied = false;
    if (clipboard) {
      try {
        await clipboard.writeText(text);
        copied = true;
      } catch {
        copied = false;
      }
    }
    setState(copied ? 'copied' : 'unavailable');
    // "Copied" fades back so a second copy shows a fresh confirmation; the manual-copy hint stays.
    if (copied) timer.current = window.setTimeout(() => setState('idle'), CONFIRMATION_MS);
    return copied;
  }, []);

  return { state, copy };
}
