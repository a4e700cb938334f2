import type { ReactElement } from 'react';
import type { AccountSessionView } from '../../../../../common/api/server-admin-accounts.js';
import { KeyIcon } from '../../../../../ui/icons.js';
import { TwoFactorSetup } from '../../components/TwoFactorSetup.js';
import { ChangePasswordForm } from './ChangePasswordForm.js';

/** The signed-in user's own password and second factor (on, or a way to set it up). */
export function AccountSecurity({
  account,
  onChanged,
}: {
  account: AccountSessionView;
  onChanged: () => void;
}): ReactElement {
  const enabled = account.secondFactor.enabled;
  return (
    <section className="card settings-card" aria-labelledby="account-title" data-testid="settings-account">
      <div className="setting-row">
        <span className="setting-row-icon">
          <KeyIcon />
        </span>
        <div className="setting-row-text">
          <h2 className="setting-row-title" id="account-title">
            Your account
          </h2>
          <p className="text-secondary">
            Signed in as <strong className="break-anywhere">{account.user.email}</strong>.{' '}
            <span data-testid="settings-account-2fa">
              {enabled ? 'Two-factor sign-in is on.' : 'Two-factor sign-in is off.'}
            </span>
          </p>
          {/* Once on, it stays on here; turning it off takes a code (the desktop app's account settings). */}
          {enabled ? null : <TwoFactorSetup onDone={onChanged} />}
          <ChangePasswordForm />
        </div>
      </div>
    </section>
  );
}
