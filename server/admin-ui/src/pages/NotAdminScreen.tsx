import type { ReactElement } from 'react';
import { Alert } from '../components/Alert.js';
import { CenteredScreen } from './CenteredScreen.js';

/** Signed in, but not an admin: the API would refuse every page, so say it once. */
export function NotAdminScreen({ email, onSignOut }: { email: string; onSignOut: () => Promise<void> }): ReactElement {
  return (
    <CenteredScreen>
      <h1>Admins only</h1>
      <Alert tone="warning" testId="not-admin">
        <p>
          <span className="break-anywhere">{email}</span> is not an admin of this workspace. Use the Clientele app for
          your work, or sign in with an admin account.
        </p>
      </Alert>
      <div className="actions">
        <button type="button" className="btn btn-secondary" onClick={() => void onSignOut()}>
          Sign out
        </button>
      </div>
    </CenteredScreen>
  );
}
