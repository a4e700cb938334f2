import { useCallback, type ReactElement } from 'react';
import { api } from '../../api/admin.js';
import { LoadState } from '../../components/LoadState.js';
import { ReadOnly } from '../../components/ReadOnly.js';
import { useAbilities } from '../../lib/access.js';
import { useLoad } from '../../lib/useLoad.js';
import { RedirectUriCard } from './RedirectUriCard.js';
import { SsoConfigForm } from './SsoConfigForm.js';

/** Single sign-on with the workspace's OpenID provider: what to register there, then the configuration. */
export function SsoPage(): ReactElement {
  const { editWorkspace } = useAbilities();
  const [loaded] = useLoad(
    useCallback(async () => {
      const [config, roles] = await Promise.all([api.sso(), api.roles()]);
      if (!config.ok) return config;
      if (!roles.ok) return roles;
      return { ok: true as const, value: { config: config.value, roles: roles.value } };
    }, []),
  );
  return (
    <div className="page page-narrow" data-testid="page-sso">
      <p className="page-intro text-secondary">
        People sign in through your organisation&apos;s identity provider, here and in the desktop app, with its own
        second factor. Password accounts keep working.
      </p>
      <LoadState loaded={loaded}>
        {({ config, roles }) => (
          <>
            <RedirectUriCard
              redirectUri={config.redirectUri}
              postLogoutRedirectUri={config.postLogoutRedirectUri}
              backchannelLogoutUri={config.backchannelLogoutUri}
            />
            <ReadOnly readOnly={!editWorkspace} notice="Your roles let you see this configuration, not change it.">
              <SsoConfigForm initial={config} roles={roles} />
            </ReadOnly>
          </>
        )}
      </LoadState>
    </div>
  );
}
