import { useEffect, useState, type ReactElement } from 'react';
import type { AuditEntryView } from '../../../../../common/api/server-admin-audit.js';
import type { AppErrorShape } from '../../../../../common/errors.js';
import { Alert } from '../../../../../ui/Alert.js';
import { EmptyState } from '../../../../../ui/EmptyState.js';
import { Spinner } from '../../../../../ui/Spinner.js';
import { api } from '../../api/admin.js';
import { ListIcon } from '../../components/icons.js';
import { useLoad } from '../../lib/useLoad.js';
import { AuditEntryRow } from './AuditEntryRow.js';
import { ChainStatus } from './ChainStatus.js';
import type { Names } from './describe-entry.js';

const PAGE_SIZE = 50;

type Pages = {
  /** The filters these pages are for: a change of filter starts again from the newest entry. */
  key: string;
  entries: AuditEntryView[];
  next: number | null;
  loading: boolean;
  error?: AppErrorShape;
};

/**
 * The hash-chained audit log, newest first, 50 at a time ("Older entries" loads the next keyset
 * page), filtered by action and actor on the server; the chain's verification on top.
 */
export function AuditPage(): ReactElement {
  const [action, setAction] = useState('');
  const [actor, setActor] = useState('');
  const key = JSON.stringify([action, actor]);
  const [answer, setPages] = useState<Pages>({ key, entries: [], next: null, loading: true });
  const pages: Pages = answer.key === key ? answer : { key, entries: [], next: null, loading: true };
  const [actions] = useLoad(api.auditActions);
  const [users] = useLoad(api.users);
  const [roles] = useLoad(api.roles);
  const [teams] = useLoad(api.teams);

  const names: Names = {
    users: new Map((users.state === 'ready' ? users.value : []).map((user) => [user.id, user.email])),
    roles: new Map((roles.state === 'ready' ? roles.value : []).map((role) => [role.id, role.name])),
    teams: new Map((teams.state === 'ready' ? teams.value : []).map((team) => [team.id, team.name])),
  };

  useEffect(() => {
    let live = true;
    void api.audit({ action, actor, limit: PAGE_SIZE }).then((result) => {
      if (!live) return;
      setPages(
        result.ok
          ? { key, entries: result.value.entries, next: result.value.next, loading: false }
          : { key, entries: [], next: null, loading: false, error: result.error },
      );
    });
    return () => {
      live = false;
    };
  }, [action, actor, key]);

  async function loadOlder(): Promise<void> {
    if (pages.next === null) return;
    setPages({ ...pages, loading: true });
    const result = await api.audit({ action, actor, before: pages.next, limit: PAGE_SIZE });
    setPages((current) =>
      result.ok
        ? { key, entries: [...current.entries, ...result.value.entries], next: result.value.next, loading: false }
        : { ...current, loading: false, error: result.error },
    );
  }

  return (
    <div className="page page-wide">
      <ChainStatus />
      <div className="filters" role="search" aria-label="Filter the audit log">
        <div className="field">
          <label className="field-label" htmlFor="audit-action">
            Action
          </label>
          <select
            id="audit-action"
            className="input select"
            value={action}
            onChange={(event) => setAction(event.target.value)}
            data-testid="audit-filter-action"
          >
            <option value="">Every action</option>
            {(actions.state === 'ready' ? actions.value.actions : []).map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="audit-actor">
            Actor
          </label>
          <select
            id="audit-actor"
            className="input select"
            value={actor}
            onChange={(event) => setActor(event.target.value)}
            data-testid="audit-filter-actor"
          >
            <option value="">Anyone</option>
            <option value="system">Nobody signed in (system)</option>
            {[...names.users].map(([id, email]) => (
              <option key={id} value={id}>
                {email}
              </option>
            ))}
          </select>
        </div>
      </div>
      {pages.error ? (
        <Alert tone="error">
          <p>{pages.error.message}</p>
        </Alert>
      ) : null}
      {!pages.loading && !pages.error && pages.entries.length === 0 ? (
        <EmptyState icon={<ListIcon size={24} />} title="No entries" testId="audit-empty">
          <p>{action || actor ? 'Nothing matches these filters.' : 'Nothing has been recorded yet.'}</p>
        </EmptyState>
      ) : null}
      {pages.entries.length > 0 ? (
        <div className="card table-card">
          <table className="table audit-table" data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col" className="col-seq">
                  #
                </th>
                <th scope="col" className="col-when">
                  When
                </th>
                <th scope="col" className="col-actor">
                  Actor
                </th>
                <th scope="col" className="col-action">
                  Action
                </th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {pages.entries.map((entry) => (
                <AuditEntryRow key={entry.seq} entry={entry} names={names} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div className="list-footer">
        {pages.loading ? <Spinner label="Loading" /> : null}
        {!pages.loading && pages.next !== null ? (
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() => void loadOlder()}
            data-testid="audit-older"
          >
            Older entries
          </button>
        ) : null}
        {!pages.loading && pages.next === null && pages.entries.length > 0 ? (
          <span className="text-secondary" data-testid="audit-end">
            No older entries.
          </span>
        ) : null}
      </div>
    </div>
  );
}
