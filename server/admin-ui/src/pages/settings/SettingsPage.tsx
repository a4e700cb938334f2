import type { ReactElement } from 'react';
import type { AccountSessionView } from '../../../../../common/api/server-admin-accounts.js';
import { api } from '../../api/admin.js';
import { LoadState } from '../../components/LoadState.js';
import { ReadOnly } from '../../components/ReadOnly.js';
import { useAbilities } from '../../lib/access.js';
import { useLoad } from '../../lib/useLoad.js';
import { AccountSecurity } from './AccountSecurity.js';
import { DesktopPolicyCard } from './DesktopPolicyCard.js';
import { IpAllowlistCard } from './IpAllowlistCard.js';
import { Require2faCard } from './Require2faCard.js';

/**
 * The workspace's sign-in rules (for whoever may read the workspace settings), and the signed-in
 * user's own second factor (needed to require 2FA; everyone's).
 */
export function SettingsPage({
  account,
  onAccountChanged,
}: {
  account: AccountSessionView;
  onAccountChanged: () => void;
}): ReactElement {
  const abilities = useAbilities();
  return (
    <div className="page page-narrow">
      {abilities.seeWorkspace ? <WorkspaceSettings account={account} editable={abilities.editWorkspace} /> : null}
      <AccountSecurity account={account} onChanged={onAccountChanged} />
    </div>
  );
}

function WorkspaceSettings({ account, editable }: { account: AccountSessionView; editable: boolean }): ReactElement {
  const [settings, reload] = useLoad(api.settings);
  return (
    <LoadState loaded={settings}>
      {(value) => (
        <ReadOnly readOnly={!editable} notice="Your roles let you see the workspace's settings, not change them.">
          <Require2faCard value={value.require2fa} selfHas2fa={account.secondFactor.enabled} onSaved={reload} />
          <IpAllowlistCard value={value.ipAllowlist} onSaved={reload} />
          <DesktopPolicyCard value={value} onSaved={reload} />
        </ReadOnly>
      )}
    </LoadState>
  );
}
