import { useCallback, useEffect, useState, type ReactElement } from 'react';
import type { AccountSessionView } from '../../../common/api/server-admin-accounts.js';
import type { Result } from '../../../common/result.js';
import { Alert } from '../../../ui/Alert.js';
import { Spinner } from '../../../ui/Spinner.js';
import { api } from './api/admin.js';
import { onSignedOut } from './api/http.js';
import { Shell } from './frame/Shell.js';
import { abilitiesOf, AbilitiesContext, mayAdminister } from './lib/access.js';
import { navigate, usePath } from './lib/router.js';
import { CenteredScreen } from './pages/CenteredScreen.js';
import { FirstAdminPage } from './pages/FirstAdminPage.js';
import { NotAdminScreen } from './pages/NotAdminScreen.js';
import { SignInPage } from './pages/SignInPage.js';
import { TwoFactorRequiredScreen } from './pages/TwoFactorRequiredScreen.js';

type Boot =
  | { state: 'loading' }
  | { state: 'signed-out' }
  | { state: 'unreachable'; message: string }
  | { state: 'signed-in'; account: AccountSessionView };

function bootFrom(result: Result<AccountSessionView>): Boot {
  if (result.ok) return { state: 'signed-in', account: result.value };
  if (result.error.code === 'UNAUTHENTICATED') return { state: 'signed-out' };
  return { state: 'unreachable', message: result.error.message };
}

/**
 * Who is here decides the screen: no session → sign in; a session that must set up 2FA first → the
 * set-up; a user whose roles administer nothing → a refusal with a way out; anyone else → the admin
 * pages their roles open (users, access requests, workspace settings), read-only where they may only
 * read. /admin/setup (the one-time link) is the first admin's page whatever the session.
 */
export function App(): ReactElement {
  const path = usePath();
  const [boot, setBoot] = useState<Boot>({ state: 'loading' });

  const refresh = useCallback(async () => setBoot(bootFrom(await api.session())), []);

  useEffect(() => {
    let live = true;
    void api.session().then((result) => {
      if (live) setBoot(bootFrom(result));
    });
    const stop = onSignedOut(() => setBoot({ state: 'signed-out' }));
    return () => {
      live = false;
      stop();
    };
  }, []);

  const signOut = useCallback(async () => {
    const result = await api.logout();
    // Signed in by single sign-on: the IdP's own sign-out next, or "Sign in with SSO" would let the
    // next person at this browser straight back in. It comes back to these pages, signed out.
    if (result.ok && result.value.endSessionUrl) {
      window.location.assign(result.value.endSessionUrl);
      return;
    }
    setBoot({ state: 'signed-out' });
    navigate('/', { replace: true });
  }, []);

  if (path === '/setup') {
    return (
      <FirstAdminPage
        onCreated={() => {
          navigate('/users', { replace: true });
          void refresh();
        }}
      />
    );
  }
  if (boot.state === 'loading') {
    return (
      <CenteredScreen>
        <div className="card-loading">
          <Spinner label="Loading" />
        </div>
      </CenteredScreen>
    );
  }
  if (boot.state === 'unreachable') {
    return (
      <CenteredScreen>
        <Alert tone="error" title="The team server did not answer">
          <p>{boot.message}</p>
        </Alert>
      </CenteredScreen>
    );
  }
  if (boot.state === 'signed-out') return <SignInPage onSignedIn={() => void refresh()} />;
  const { account } = boot;
  if (account.secondFactor.setupRequired) {
    return <TwoFactorRequiredScreen email={account.user.email} onDone={() => void refresh()} onSignOut={signOut} />;
  }
  const abilities = abilitiesOf(account.access);
  if (!mayAdminister(abilities)) return <NotAdminScreen email={account.user.email} onSignOut={signOut} />;
  return (
    <AbilitiesContext.Provider value={abilities}>
      <Shell path={path} account={account} onSignOut={signOut} onAccountChanged={() => void refresh()} />
    </AbilitiesContext.Provider>
  );
}
