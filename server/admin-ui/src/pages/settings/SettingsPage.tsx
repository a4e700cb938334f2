import type { ReactElement } from 'react';
import type { AccountSessionView } from '../../../../../common/api/server-admin-accounts.js';
import { api } from '../../api/admin.js';
import { LoadState } from '../../components/LoadState.js';
import { useLoad } from '../../lib/useLoad.js';
import { AccountSecurity } from './AccountSecurity.js';
import { IpAllowlistCard } from './IpAllowlistCard.js';
import { Require2faCard } from './Require2faCard.js';

/** The workspace's sign-in rules, and the signed-in admin's own second factor (needed to require 2FA). */
export function SettingsPage({
  account,
  onAccountChanged,
}: {
  account: AccountSessionView;
  onAccountChanged: () => void;
}): ReactElement {
  const [settings, reload] = useLoad(api.settings);
  return (
    <div className="page page-narrow">
      <LoadState loaded={settings}>
        {(value) => (
          <>
            <Require2faCard value={value.require2fa} selfHas2fa={account.secondFactor.enabled} onSaved={reload} />
            <IpAllowlistCard value={value.ipAllowlist} onSaved={reload} />
          </>
        )}
      </LoadState>
      <AccountSecurity account={account} onChanged={onAccountChanged} />
    </div>
  );
}
