import { useState, type FormEvent, type ReactElement } from 'react';
import type { TeamView } from '../../../../../common/api/server-admin.js';
import { Alert } from '../../../../../ui/Alert.js';
import { api } from '../../api/admin.js';
import { ParentTeamSelect } from './ParentTeamSelect.js';

/** A team at the top, or a sub-team of the team chosen as its parent. */
export function NewTeamForm({
  teams,
  onCreated,
}: {
  teams: TeamView[];
  onCreated: (team: TeamView) => void;
}): ReactElement {
  const [name, setName] = useState('');
  const [parentId, setParentId] = useState('');
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (!name.trim()) return setFailure('Give the team a name.');
    setBusy(true);
    setFailure(undefined);
    const result = await api.createTeam(name.trim(), parentId || null);
    setBusy(false);
    if (!result.ok) return setFailure(result.error.message);
    setName('');
    onCreated(result.value);
  }

  return (
    <form className="card form-card inline-form" onSubmit={(event) => void submit(event)} data-testid="team-form">
      <div className="field">
        <label className="field-label" htmlFor="team-name">
          New team
        </label>
        <input
          id="team-name"
          className="input"
          value={name}
          maxLength={100}
          onChange={(event) => setName(event.target.value)}
          data-testid="team-name"
        />
      </div>
      <ParentTeamSelect id="team-parent" testId="team-parent" teams={teams} value={parentId} onChange={setParentId} />
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="team-create">
        Create team
      </button>
      {failure ? (
        <div className="inline-form-error">
          <Alert tone="error">
            <p>{failure}</p>
          </Alert>
        </div>
      ) : null}
    </form>
  );
}
