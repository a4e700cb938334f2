import type { ReactElement } from 'react';
import { TwoFactorSetup } from '../components/TwoFactorSetup.js';
import { CenteredScreen } from './CenteredScreen.js';

/** The workspace requires 2FA and this account has none: until it is set up, nothing else answers. */
export function TwoFactorRequiredScreen({
  email,
  onDone,
  onSignOut,
}: {
  email: string;
  onDone: () => void;
  onSignOut: () => Promise<void>;
}): ReactElement {
  return (
    <CenteredScreen wide>
      <h1>Set up two-factor sign-in</h1>
      <p className="text-secondary" data-testid="totp-required">
        This workspace requires a second factor for every account. Signed in as{' '}
        <strong className="break-anywhere">{email}</strong>.
      </p>
      <TwoFactorSetup onDone={onDone} />
      <hr className="divider divider-tight" />
      <button type="button" className="btn btn-secondary btn-small" onClick={() => void onSignOut()}>
        Sign out
      </button>
    </CenteredScreen>
  );
}
