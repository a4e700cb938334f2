import { useCallback, useEffect, useRef, useState, type ReactElement } from 'react';
import { TeamServerUrl, type TeamSsoInput, type TeamStatus } from '../../../../common/api/team.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import { Alert } from '../../../../ui/Alert.js';
import { Spinner } from '../../../../ui/Spinner.js';
import { call } from '../../api/call.js';

/** Wait this long after the last keystroke before asking a server whether it offers SSO. */
const PROBE_DELAY_MS = 400;

/**
 * Whether the team server at this address offers single sign-on (team.ssoStatus), asked once the
 * address is well-formed and the typing paused. Unreachable or unsure: false, so the button only
 * appears for a server that said yes.
 */
export function useSsoOffered(serverUrl: string): boolean {
  const [offered, setOffered] = useState<{ url: string; enabled: boolean } | null>(null);
  useEffect(() => {
    const parsed = TeamServerUrl.safeParse(serverUrl);
    if (!parsed.success) return undefined;
    let current = true;
    const timer = setTimeout(() => {
      void call('team.ssoStatus', { serverUrl: parsed.data }).then((result) => {
        if (current) setOffered({ url: serverUrl, enabled: result.ok && result.value.ssoEnabled });
      });
    }, PROBE_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [serverUrl]);
  return offered !== null && offered.url === serverUrl && offered.enabled;
}

export type TeamSsoState =
  | { kind: 'idle' }
  | { kind: 'starting' }
  | { kind: 'waiting'; flowId: string; url: string; tabOpened: boolean }
  | { kind: 'failed'; error: AppErrorShape };

/**
 * One SSO enrollment at a time, like connecting Gmail: team.enrollSso (the core starts its loopback
 * listener), the team server's sign-in page in a new tab (unless the core opened the system browser),
 * then team.completeSso until the core has enrolled. Cancel stops the core's listener.
 */
export function useTeamSso(onEnrolled: (status: TeamStatus) => void): {
  state: TeamSsoState;
  start: (input: TeamSsoInput) => void;
  cancel: () => void;
} {
  const [state, setState] = useState<TeamSsoState>({ kind: 'idle' });
  const current = useRef<string | null>(null);
  const enrolled = useRef(onEnrolled);
  useEffect(() => {
    enrolled.current = onEnrolled;
  }, [onEnrolled]);

  // Leaving Settings cancels a sign-in still waiting.
  useEffect(
    () => () => {
      if (current.current) void call('team.cancelSso', { flowId: current.current });
    },
    [],
  );

  const start = useCallback((input: TeamSsoInput) => {
    // Opened in the click, so popup blockers allow it; it gets its URL below.
    const tab = window.open('', '_blank');
    if (tab) tab.opener = null;
    setState({ kind: 'starting' });
    void (async () => {
      const begun = await call('team.enrollSso', input);
      if (!begun.ok) {
        tab?.close();
        setState({ kind: 'failed', error: begun.error });
        return;
      }
      const { flowId, authorizationUrl, browserOpened } = begun.value;
      let tabOpened = browserOpened;
      if (browserOpened) tab?.close();
      else if (tab) {
        tab.location.href = authorizationUrl;
        tabOpened = true;
      } else {
        tabOpened = window.open(authorizationUrl, '_blank', 'noopener') !== null;
      }
      current.current = flowId;
      setState({ kind: 'waiting', flowId, url: authorizationUrl, tabOpened });
      const result = await call('team.completeSso', { flowId });
      if (current.current !== flowId) return; // cancelled meanwhile
      current.current = null;
      if (result.ok) {
        setState({ kind: 'idle' });
        enrolled.current(result.value);
      } else {
        setState({ kind: 'failed', error: result.error });
      }
    })();
  }, []);

  const cancel = useCallback(() => {
    const flowId = current.current;
    current.current = null;
    setState({ kind: 'idle' });
    if (flowId) void call('team.cancelSso', { flowId });
  }, []);

  return { state, start, cancel };
}

/** The SSO sign-in in progress, or why it did not enroll. */
export function TeamSsoProgress({ sso }: { sso: ReturnType<typeof useTeamSso> }): ReactElement | null {
  const { state } = sso;
  switch (state.kind) {
    case 'idle':
      return null;
    case 'starting':
      return <Spinner label="Starting the single sign-on" />;
    case 'waiting':
      return (
        <Alert tone="info" title="Waiting for you to sign in" testId="team-sso-waiting">
          <p>
            {state.tabOpened
              ? "Finish signing in on your organisation's page that opened in your browser. This page updates by itself."
              : "Open your organisation's sign-in page to continue."}
          </p>
          <div className="actions">
            <a
              className="btn btn-secondary btn-small"
              href={state.url}
              target="_blank"
              rel="noopener noreferrer"
              style={{ textDecoration: 'none' }}
              data-testid="team-sso-open-again"
            >
              {state.tabOpened ? 'Open the sign-in page again' : 'Open the sign-in page'}
            </a>
            <button
              type="button"
              className="btn btn-secondary btn-small"
              onClick={sso.cancel}
              data-testid="team-sso-cancel"
            >
              Cancel
            </button>
          </div>
        </Alert>
      );
    case 'failed':
      return (
        <Alert tone="error" title="Not enrolled: the single sign-on did not complete" testId="team-sso-error">
          <p>{state.error.message}</p>
        </Alert>
      );
  }
}
