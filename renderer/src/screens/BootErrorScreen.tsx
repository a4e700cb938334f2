import type { ReactElement } from 'react';
import type { AppErrorShape } from '../../../common/errors.js';
import { AlertIcon } from '../../../ui/icons.js';
import { CenteredLayout } from '../components/CenteredLayout.js';

/** app.state failed: the core process is down, still starting, or the bridge is missing. */
export function BootErrorScreen({ error, onRetry }: { error: AppErrorShape; onRetry: () => void }): ReactElement {
  return (
    <CenteredLayout testId="boot-error">
      <div className="screen-icon screen-icon-danger">
        <AlertIcon size={22} />
      </div>
      <h1>Clientele can&apos;t start</h1>
      <p className="text-secondary">
        The window opened, but the part of Clientele that keeps your data did not answer. Your data has not been
        changed. This is usually temporary: try again in a moment. If it keeps happening, quit Clientele completely and
        open it again.
      </p>
      <div className="detail-box">
        <p className="detail-label">What the app reported</p>
        <p>{error.message}</p>
        <p className="detail-code">
          Error code <code>{error.code}</code>
        </p>
      </div>
      <div className="actions">
        <button type="button" className="btn btn-primary" onClick={onRetry} data-testid="boot-retry">
          Retry
        </button>
      </div>
    </CenteredLayout>
  );
}
