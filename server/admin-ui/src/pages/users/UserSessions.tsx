import { useState, type ReactElement } from 'react';
import { Alert } from '../../../../../ui/Alert.js';
import { api } from '../../api/admin.js';
import { LoadState } from '../../components/LoadState.js';
import { formatDate } from '../../lib/format.js';
import { useLoad } from '../../lib/useLoad.js';

/** A user's live sessions (each desktop and browser signed in); revoking one signs that device out. */
export function UserSessions({ userId, mayRevoke }: { userId: string; mayRevoke: boolean }): ReactElement {
  const [sessions, reload] = useLoad(() => api.userSessions(userId), userId);
  const [failure, setFailure] = useState<string>();

  async function revoke(sessionId: string): Promise<void> {
    setFailure(undefined);
    const result = await api.revokeSession(sessionId);
    if (!result.ok) setFailure(result.error.message);
    reload();
  }

  return (
    <div className="detail-section" data-testid="user-sessions">
      <h3 className="section-label">Sessions</h3>
      {failure ? (
        <Alert tone="error">
          <p>{failure}</p>
        </Alert>
      ) : null}
      <LoadState loaded={sessions}>
        {(list) =>
          list.length === 0 ? (
            <p className="text-secondary" data-testid="user-sessions-empty">
              Not signed in anywhere.
            </p>
          ) : (
            <ul className="session-list">
              {list.map((session) => (
                <li key={session.id} className="session-row" data-testid="user-session">
                  <div className="session-text">
                    <span>Signed in {formatDate(session.createdAt)}</span>
                    <span className="text-secondary">
                      Last seen {formatDate(session.lastSeenAt)} · ends {formatDate(session.expiresAt)}
                    </span>
                  </div>
                  {mayRevoke ? (
                    <button
                      type="button"
                      className="btn btn-secondary btn-small"
                      onClick={() => void revoke(session.id)}
                      data-testid="user-session-revoke"
                    >
                      Revoke
                    </button>
                  ) : null}
                </li>
              ))}
            </ul>
          )
        }
      </LoadState>
    </div>
  );
}
