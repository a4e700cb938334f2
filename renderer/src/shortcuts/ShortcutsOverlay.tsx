import { useRef, type ReactElement } from 'react';
import { Modal } from '../../../ui/Modal.js';
import { SHORTCUTS, type Shortcut } from './registry.js';

const GROUPS: Shortcut['group'][] = ['Anywhere', 'Go to', 'Lists'];

/** '?': every shortcut, read from the same registry the handler uses. Escape closes it. */
export function ShortcutsOverlay({ open, onClose }: { open: boolean; onClose: () => void }): ReactElement {
  const close = useRef<HTMLButtonElement>(null);
  return (
    <Modal open={open} labelledBy="shortcuts-title" onDismiss={onClose} initialFocus={close} testId="shortcuts-overlay">
      <h2 className="dialog-title" id="shortcuts-title">
        Keyboard shortcuts
      </h2>
      <div className="dialog-content shortcuts">
        <div className="shortcuts-groups">
          {GROUPS.map((group) => (
            <section key={group} className="shortcuts-group" aria-label={group}>
              <h3 className="section-label">{group}</h3>
              <dl className="shortcuts-list">
                {SHORTCUTS.filter((shortcut) => shortcut.group === group).map((shortcut) => (
                  <div className="shortcuts-row" key={shortcut.keys.join(' ')} data-testid="shortcut-row">
                    <dt>
                      {shortcut.keys.map((key, index) => (
                        <span key={index}>
                          {index > 0 ? <span className="shortcuts-then"> then </span> : null}
                          <kbd>{key}</kbd>
                        </span>
                      ))}
                    </dt>
                    <dd>
                      {shortcut.description}
                      {shortcut.action.type === 'page' ? <span className="text-secondary"> (timeline)</span> : null}
                    </dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
        <p className="text-secondary shortcuts-note">Shortcuts are off while you type in a field.</p>
      </div>
      <div className="dialog-actions">
        <button type="button" className="btn btn-secondary" ref={close} onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  );
}
