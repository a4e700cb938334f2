import { useEffect, useState, type ReactElement } from 'react';
import { api } from '../api/admin.js';
import { LogInIcon } from '../components/icons.js';

/** Where a web sign-in through the IdP starts; the server ends it on /admin/ with the session cookie. */
const SSO_START = '/api/auth/sso/start';

/**
 * "Sign in with SSO" under the password form, when the workspace has single sign-on on. A plain link:
 * the IdP's pages are a navigation away, and no script handles a token on the way back.
 */
export function SsoSignInOffer(): ReactElement | null {
  const [enabled, setEnabled] = useState(false);
  useEffect(() => {
    let live = true;
    // Public and best-effort: an answer that fails just leaves the password form alone.
    void api.ssoStatus().then((result) => {
      if (live && result.ok) setEnabled(result.value.enabled);
    });
    return () => {
      live = false;
    };
  }, []);
  if (!enabled) return null;
  return (
    <div className="sso-offer" data-testid="sign-in-sso-offer">
      <p className="divider-text">
        <span>or</span>
      </p>
      <a className="btn btn-secondary btn-block" href={SSO_START} data-testid="sign-in-sso">
        <LogInIcon size={16} />
        Sign in with SSO
      </a>
      <p className="field-hint">With your organisation&apos;s account, through its identity provider.</p>
    </div>
  );
}
