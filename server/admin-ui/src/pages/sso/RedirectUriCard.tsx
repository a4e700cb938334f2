import type { ReactElement } from 'react';
import { CopyableValue } from '../../components/CopyableValue.js';
import { LinkIcon } from '../../components/icons.js';

/**
 * What the admin registers at the identity provider before filling in the form: the callback, the
 * post-logout return address and the back-channel logout address, as the server computes them from how this page reached it (so behind a
 * proxy, only with --trust-proxy).
 */
export function RedirectUriCard({
  redirectUri,
  postLogoutRedirectUri,
  backchannelLogoutUri,
}: {
  redirectUri: string;
  postLogoutRedirectUri: string;
  backchannelLogoutUri: string;
}): ReactElement {
  return (
    <section className="card settings-card" aria-labelledby="sso-register-title" data-testid="sso-register">
      <div className="setting-row">
        <span className="setting-row-icon">
          <LinkIcon />
        </span>
        <div className="setting-row-text">
          <h2 className="setting-row-title" id="sso-register-title">
            Register Clientele at your identity provider
          </h2>
          <p className="text-secondary">
            Create a confidential web application (OpenID Connect) at your identity provider (Entra ID, Google
            Workspace, Okta, Keycloak…) with the redirect URI below, the scopes <code>openid email profile</code> and
            client authentication <code>client_secret_basic</code>. It gives you the issuer URL, a client ID and a
            client secret for the form below.
          </p>
          <CopyableValue
            id="sso-redirect-uri"
            label="Redirect URI"
            value={redirectUri}
            hint="Computed from the address you opened these pages with. Behind a reverse proxy, start the server with --trust-proxy so it shows the public address."
            testId="sso-redirect-uri"
          />
          <CopyableValue
            id="sso-post-logout-redirect-uri"
            label="Post-logout redirect URI"
            value={postLogoutRedirectUri}
            hint="Signing out of these pages signs out at the identity provider too, then comes back here. Register this address for that, where your provider asks for one (RP-initiated logout)."
            testId="sso-post-logout-redirect-uri"
          />
          <CopyableValue
            id="sso-backchannel-logout-uri"
            label="Back-channel logout URI"
            value={backchannelLogoutUri}
            hint="Where your provider tells this server that someone signed out there, or was signed out by an administrator: their sessions here end too. Ask for the session ID (sid) to be sent."
            testId="sso-backchannel-logout-uri"
          />
        </div>
      </div>
    </section>
  );
}
