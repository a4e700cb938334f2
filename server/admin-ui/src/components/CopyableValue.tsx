import { useRef, useState, type ReactElement, type ReactNode } from 'react';
import { Field } from '../../../../ui/Field.js';
import { CheckIcon, CopyIcon } from '../../../../ui/icons.js';

/**
 * A value to paste somewhere else (e.g. into an identity provider's console): read-only, selectable,
 * with a Copy button. The Clipboard API exists only in secure contexts (https, or this machine); over
 * plain http elsewhere the button selects the text instead and says how to copy it.
 */
export function CopyableValue({
  id,
  label,
  value,
  hint,
  testId,
}: {
  id: string;
  label: string;
  value: string;
  hint?: ReactNode;
  testId: string;
}): ReactElement {
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState<'copied' | 'selected'>();

  async function copy(): Promise<void> {
    try {
      if (!window.isSecureContext || !navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      setStatus('copied');
    } catch {
      input.current?.focus();
      input.current?.select();
      setStatus('selected');
    }
  }

  return (
    <Field id={id} label={label} hint={hint}>
      {(control) => (
        <>
          <div className="copyable">
            <input
              {...control}
              ref={input}
              className="input input-mono"
              readOnly
              value={value}
              onFocus={(event) => event.target.select()}
              data-testid={testId}
            />
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => void copy()}
              data-testid={`${testId}-copy`}
            >
              {status === 'copied' ? <CheckIcon size={16} /> : <CopyIcon size={16} />}
              {status === 'copied' ? 'Copied' : 'Copy'}
            </button>
          </div>
          <p className="copy-status" role="status" data-testid={`${testId}-copy-status`}>
            {status === 'copied' ? 'Copied to the clipboard.' : ''}
            {status === 'selected' ? 'Selected: press Ctrl+C (⌘C on a Mac) to copy.' : ''}
          </p>
        </>
      )}
    </Field>
  );
}
