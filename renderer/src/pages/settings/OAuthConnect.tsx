import { useCallback, useEffect, useRef, useState, type ReactElement } from 'react';
import type { AccountSummary, OAuthFlowStarted, OAuthProvider } from '../../../../common/domain/mail.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import type { Result } from '../../../../common/result.js';
import { Alert } from '../../../../ui/Alert.js';
import { Spinner } from '../../../../ui/Spinner.js';
import { call } from '../../api/call.js';
import { oauthErrorCopy, PROVIDER_LABELS } from './accountCopy.js';

/** What a sign-in is for: a new account of a provider, or an existing account to reconnect. */
export type OAuthTarget = { provider: OAuthProvider; accountId?: string; email?: string };

export type OAuthFlowState =
  | { kind: 'idle' }
  | { kind: 'starting'; target: OAuthTarget }
  | { kind: 'waiting'; target: OAuthTarget; flowId: string; url: string; tabOpened: boolean }
  | { kind: 'connected'; target: OAuthTarget; account: AccountSummary }
  | { kind: 'failed'; target: OAuthTarget; error: AppErrorShape };

/**
 * One sign-in at a time: begin (the core starts its loopback listener), open the provider's page in
 * a new tab (unless the core opened the system browser itself), then wait for the core to say the
 * browser came back. Cancel stops the core's listener. Tokens never reach the page.
 */
export function useOAuthFlow(onConnected: (account: AccountSummary) => void): {
  state: OAuthFlowState;
  start: (target: OAuthTarget) => void;
  cancel: () => void;
  dismiss: () => void;
} {
  const [state, setState] = useState<OAuthFlowState>({ kind: 'idle' });
  const current = useRef<string | null>(null);
  const connected = useRef(onConnected);
  useEffect(() => {
    connected.current = onConnected;
  }, [onConnected]);

  // Leaving the page (another route) cancels a sign-in still waiting.
  useEffect(
    () => () => {
      if (current.current) void call('accounts.cancelOAuth', { flowId: current.current });
    },
    [],
  );

  const start = useCallback((target: OAuthTarget) => {
    // The tab is opened now, in the click, so popup blockers allow it; it gets its URL below.
    const tab = window.open('', '_blank');
    if (tab) tab.opener = null;
    setState({ kind: 'starting', target });
    void (async () => {
      const begun: Result<OAuthFlowStarted> = target.accountId
        ? await call('accounts.reconnectOAuth', { accountId: target.accountId })
        : await call('accounts.beginOAuth', { provider: target.provider });
      if (!begun.ok) {
        tab?.close();
        setState({ kind: 'failed', target, error: begun.error });
        return;
      }
      const { flowId, authorizationUrl, browserOpened } = begun.value;
      let tabOpened = browserOpened;
      if (browserOpened) tab?.close();
      else if (tab) {
        tab.location.href = authorizationUrl;
        tabOpened = true;
      } else {
        // No blank tab (the desktop app sends links to the system browser instead).
        tabOpened = window.open(authorizationUrl, '_blank', 'noopener') !== null;
      }
      current.current = flowId;
      setState({ kind: 'waiting', target, flowId, url: authorizationUrl, tabOpened });
      const result = await call('accounts.completeOAuth', { flowId });
      if (current.current !== flowId) return; // cancelled or replaced meanwhile
      current.current = null;
      if (result.ok) {
        setState({ kind: 'connected', target, account: result.value });
        connected.current(result.value);
      } else {
        setState({ kind: 'failed', target, error: result.error });
      }
    })();
  }, []);

  const cancel = useCallback(() => {
    const flowId = current.current;
    current.current = null;
    setState({ kind: 'idle' });
    if (flowId) void call('accounts.cancelOAuth', { flowId });
  }, []);

  const dismiss = useCallback(() => setState({ kind: 'idle' }), []);

  return { state, start, cancel, dismiss };
}

/** "Connect Gmail" and "Connect Microsoft 365", and the sign-in in progress or its outcome. */
export function OAuthConnectPanel({ flow }: { flow: ReturnType<typeof useOAuthFlow> }): ReactElement {
  const { state } = flow;
  const busy = state.kind === 'starting' || state.kind === 'waiting';
  return (
    <section className="add-account" aria-labelledby="oauth-connect-title" data-testid="oauth-connect">
      <h3 className="add-account-title" id="oauth-connect-title">
        Connect Gmail or Microsoft 365
      </h3>
      <p className="text-secondary add-account-intro">
        Sign in with Google or Microsoft in your browser: Clientele never sees your password, and you can revoke its
        access from your account at any time.
      </p>
      <div className="actions" style={{ marginTop: 0, marginBottom: 'var(--space-4)' }}>
        {(['gmail', 'graph'] as const).map((provider) => (
          <button
            key={provider}
            type="button"
            className="btn btn-secondary"
            disabled={busy}
            onClick={() => flow.start({ provider })}
            data-testid={`oauth-connect-${provider}`}
          >
            Connect {PROVIDER_LABELS[provider]}
          </button>
        ))}
      </div>
      <OAuthStatus flow={flow} />
    </section>
  );
}

function OAuthStatus({ flow }: { flow: ReturnType<typeof useOAuthFlow> }): ReactElement | null {
  const { state } = flow;
  switch (state.kind) {
    case 'idle':
      return null;
    case 'starting':
      return (
        <div className="actions" data-testid="oauth-starting">
          <Spinner label={`Starting the ${PROVIDER_LABELS[state.target.provider]} sign-in`} />
        </div>
      );
    case 'waiting': {
      const label = PROVIDER_LABELS[state.target.provider];
      return (
        <Alert tone="info" title={`Waiting for you to sign in to ${label}`} testId="oauth-waiting">
          <p>
            {state.tabOpened
              ? `Finish signing in on the ${label} page that opened in your browser${state.target.email ? ` (as ${state.target.email})` : ''}. This page updates by itself.`
              : `Open the ${label} sign-in page to continue.`}
          </p>
          <div className="actions">
            <a
              className="btn btn-secondary btn-small"
              href={state.url}
              target="_blank"
              rel="noopener noreferrer"
              style={{ textDecoration: 'none' }}
              data-testid="oauth-open-again"
            >
              {state.tabOpened ? 'Open the sign-in page again' : 'Open the sign-in page'}
            </a>
            <button
              type="button"
              className="btn btn-secondary btn-small"
              onClick={flow.cancel}
              data-testid="oauth-cancel"
            >
              Cancel
            </button>
          </div>
        </Alert>
      );
    }
    case 'connected':
      return (
        <Alert tone="success" testId="oauth-connected">
          <p>
            {state.target.accountId
              ? `${state.account.email} is reconnected; its sync starts again.`
              : `${state.account.email} is connected. Its mail starts syncing now.`}
          </p>
        </Alert>
      );
    case 'failed': {
      const copy = oauthErrorCopy(state.error, PROVIDER_LABELS[state.target.provider]);
      return (
        <Alert tone="error" title={copy.title} testId="oauth-error">
          <p>{copy.advice || state.error.message}</p>
          {copy.advice && copy.showMessage ? <p className="text-secondary">{state.error.message}</p> : null}
          <button type="button" className="btn btn-secondary btn-small" onClick={flow.dismiss}>
            Dismiss
          </button>
        </Alert>
      );
    }
  }
}
