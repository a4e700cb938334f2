import type { ReactElement } from 'react';
import { Alert } from '../../../../ui/Alert.js';
import { CenteredScreen } from './CenteredScreen.js';

/** Signed in, but the user's roles administer nothing here: the API would refuse every page, so say it once. */
export function NotAdminScreen({ email, onSignOut }: { email: string; onSignOut: () => Promise<void> }): ReactElement {
  return (
    <CenteredScreen>
      <h1>Nothing to manage here</h1>
      <Alert tone="warning" testId="not-admin">
        <p>
          The roles of <span className="break-anywhere">{email}</span> don&apos;t include managing people or this
          workspace. Use the Clientele app for your work, or sign in with an account that does.
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
