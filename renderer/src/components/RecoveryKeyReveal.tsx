import { useId, useRef, useState, type ReactElement } from 'react';
import { CheckIcon, CopyIcon, KeyIcon } from '../../../ui/icons.js';
import { useClipboard } from '../hooks/useClipboard.js';
import { keychainName } from '../lib/platform.js';

/**
 * Shows a recovery key exactly once, and makes the user confirm they saved it before moving on.
 * The parent owns the key and must drop it in onContinue: Clientele can never show it again.
 */
export function RecoveryKeyReveal({
  recoveryKey,
  onContinue,
  title = 'Save your recovery key',
  continueLabel = 'Continue',
  headingLevel = 2,
  titleId: givenTitleId,
}: {
  recoveryKey: string;
  onContinue: () => void;
  title?: string;
  continueLabel?: string;
  /** 1 when the reveal is the whole screen (onboarding), 2 inside a dialog. */
  headingLevel?: 1 | 2;
  /** Lets a surrounding dialog point aria-labelledby at the title. */
  titleId?: string;
}): ReactElement {
  const [saved, setSaved] = useState(false);
  const { state: copyState, copy } = useClipboard();
  const keyElement = useRef<HTMLElement>(null);
  const generatedTitleId = useId();
  const titleId = givenTitleId ?? generatedTitleId;
  const Heading = headingLevel === 1 ? 'h1' : 'h2';
  const confirmId = useId();

  const onCopy = async (): Promise<void> => {
    if (await copy(recoveryKey)) return;
    // No clipboard access: select the key so Ctrl+C / Cmd+C (or the context menu) copies it.
    const element = keyElement.current;
    const selection = window.getSelection();
    if (element && selection) selection.selectAllChildren(element);
  };

  // Groups are spans (not separate blocks) so the element's text, and a manual selection,
  // is exactly the key as the core formatted it, dashes included.
  const groups = recoveryKey.split('-');

  return (
    <section className="recovery" aria-labelledby={titleId}>
      <div className="recovery-heading">
        <span className="recovery-heading-icon">
          <KeyIcon size={20} />
        </span>
        <Heading id={titleId}>{title}</Heading>
      </div>
      <p className="text-secondary">
        This key is the only way back into your data if its encryption key is lost. Write it down or store it in a
        password manager now. <strong>Clientele cannot show it again.</strong>
      </p>

      <div className="recovery-key-box">
        <code className="recovery-key" ref={keyElement} data-testid="recovery-key" aria-label="Recovery key">
          {groups.map((group, index) => (
            <span className="recovery-key-group" key={index}>
              {group}
              {index < groups.length - 1 ? <span className="recovery-key-sep">-</span> : null}
            </span>
          ))}
        </code>
        <button
          type="button"
          className="btn btn-secondary recovery-copy"
          onClick={() => void onCopy()}
          data-testid="recovery-copy"
        >
          {copyState === 'copied' ? <CheckIcon size={16} /> : <CopyIcon size={16} />}
          {copyState === 'copied' ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p className="recovery-copy-status" role="status" aria-live="polite">
        {copyState === 'copied' ? 'Recovery key copied to the clipboard.' : null}
        {copyState === 'unavailable'
          ? 'Clientele could not reach the clipboard, so the key is selected: press Ctrl+C (⌘C on a Mac) to copy it.'
          : null}
      </p>

      <div className="recovery-why">
        <p className="recovery-why-title">You will need it if</p>
        <ul>
          <li>your {keychainName()} is reset or replaced, or loses Clientele&apos;s entry;</li>
          <li>you move this profile to a new computer.</li>
        </ul>
        <p className="text-secondary">
          Keep it private: together with your Clientele files, it unlocks everything in this profile.
        </p>
      </div>

      <div className="recovery-confirm">
        <input
          type="checkbox"
          id={confirmId}
          checked={saved}
          onChange={(event) => setSaved(event.target.checked)}
          data-testid="recovery-confirm"
        />
        <label htmlFor={confirmId}>I saved my recovery key somewhere safe</label>
      </div>

      <div className="actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={!saved}
          onClick={onContinue}
          data-testid="recovery-continue"
        >
          {continueLabel}
        </button>
      </div>
    </section>
  );
}
