import { useState, type FormEvent, type ReactElement, type ReactNode } from 'react';
import type { TeamView, UserView } from '../../../../../common/api/server-admin.js';
import { Alert } from '../../../../../ui/Alert.js';
import { api } from '../../api/admin.js';

/** A team's members, each a member or a manager, and a form to add someone; `settings` under the title. */
export function TeamMembers({
  team,
  users,
  settings,
  onChanged,
}: {
  team: TeamView;
  users: UserView[];
  settings?: ReactNode;
  onChanged: () => void;
}): ReactElement {
  const [userId, setUserId] = useState('');
  const [manager, setManager] = useState(false);
  const [failure, setFailure] = useState<string>();
  const emailOf = new Map(users.map((user) => [user.id, user.email]));
  const outside = users.filter((user) => !team.members.some((member) => member.userId === user.id));

  async function run(action: () => Promise<{ ok: boolean; error?: { message: string } }>): Promise<void> {
    setFailure(undefined);
    const result = await action();
    if (!result.ok) return setFailure(result.error?.message ?? 'The server refused.');
    onChanged();
  }

  async function add(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (!userId) return setFailure('Choose who to add.');
    await run(() => api.setMember(team.id, userId, manager));
    setUserId('');
    setManager(false);
  }

  return (
    <section className="card detail-card" aria-labelledby="team-detail-title" data-testid="team-detail">
      <h2 className="card-title break-anywhere" id="team-detail-title">
        {team.name}
      </h2>
      {settings}
      <h3 className="section-label">Members</h3>
      {failure ? (
        <Alert tone="error">
          <p>{failure}</p>
        </Alert>
      ) : null}
      {team.members.length === 0 ? (
        <p className="text-secondary" data-testid="team-members-empty">
          Nobody is in this team yet.
        </p>
      ) : (
        <ul className="member-list" data-testid="team-members">
          {team.members.map((member) => {
            const email = emailOf.get(member.userId) ?? 'Unknown user';
            return (
              <li key={member.userId} className="member-row" data-testid="team-member">
                <span className="member-email break-anywhere">{email}</span>
                <label className="choice choice-compact">
                  <input
                    type="checkbox"
                    checked={member.manager}
                    onChange={(event) => void run(() => api.setMember(team.id, member.userId, event.target.checked))}
                    aria-label={`${email} manages ${team.name}`}
                  />
                  <span>Manager</span>
                </label>
                <button
                  type="button"
                  className="btn btn-secondary btn-small"
                  onClick={() => void run(() => api.removeMember(team.id, member.userId))}
                  aria-label={`Remove ${email} from ${team.name}`}
                >
                  Remove
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <form className="member-add" onSubmit={(event) => void add(event)} data-testid="team-add-member">
        <div className="field">
          <label className="field-label" htmlFor="team-add-user">
            Add a member
          </label>
          <select
            id="team-add-user"
            className="input select"
            value={userId}
            onChange={(event) => setUserId(event.target.value)}
            data-testid="team-add-user"
          >
            <option value="">Choose a user…</option>
            {outside.map((user) => (
              <option key={user.id} value={user.id}>
                {user.email}
              </option>
            ))}
          </select>
        </div>
        <label className="choice">
          <input type="checkbox" checked={manager} onChange={(event) => setManager(event.target.checked)} />
          <span>As a manager</span>
        </label>
        <button type="submit" className="btn btn-primary btn-small" data-testid="team-add-submit">
          Add
        </button>
      </form>
    </section>
  );
}
