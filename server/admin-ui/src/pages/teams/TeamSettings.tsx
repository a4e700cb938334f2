import { useState, type FormEvent, type ReactElement } from 'react';
import type { TeamView } from '../../../../../common/api/server-admin.js';
import { Alert } from '../../../../../ui/Alert.js';
import { ConfirmDialog } from '../../../../../ui/ConfirmDialog.js';
import { api } from '../../api/admin.js';
import { ParentTeamSelect } from './ParentTeamSelect.js';
import { teamAndBelow } from './team-tree.js';

/**
 * A team's name and parent, saved together, and deleting it. A team can't go under itself or its
 * own sub-teams (they are not offered); one with sub-teams is not deleted until they are moved or
 * deleted, as the server insists too.
 */
export function TeamSettings({
  team,
  teams,
  onChanged,
  onDeleted,
}: {
  team: TeamView;
  teams: TeamView[];
  onChanged: () => void;
  onDeleted: () => void;
}): ReactElement {
  const [name, setName] = useState(team.name);
  const [parentId, setParentId] = useState(team.parentId ?? '');
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const excluded = teamAndBelow(teams, team.id);
  const subTeams = teams.filter((other) => other.parentId === team.id);
  const parentName = teams.find((other) => other.id === team.parentId)?.name;
  const dirty = name.trim() !== team.name || (parentId || null) !== team.parentId;

  async function save(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (!name.trim()) return setFailure('Give the team a name.');
    setBusy(true);
    setFailure(undefined);
    const result = await api.updateTeam(team.id, { name: name.trim(), parentId: parentId || null });
    setBusy(false);
    if (!result.ok) return setFailure(result.error.message);
    onChanged();
  }

  async function remove(): Promise<void> {
    setConfirming(false);
    setFailure(undefined);
    const result = await api.deleteTeam(team.id);
    if (!result.ok) return setFailure(result.error.message);
    onDeleted();
  }

  return (
    <form className="team-settings" onSubmit={(event) => void save(event)} data-testid="team-settings">
      <div className="field field-grow">
        <label className="field-label" htmlFor="team-rename">
          Name
        </label>
        <input
          id="team-rename"
          className="input"
          value={name}
          maxLength={100}
          onChange={(event) => setName(event.target.value)}
          data-testid="team-rename"
        />
      </div>
      <ParentTeamSelect
        id="team-move"
        testId="team-move"
        teams={teams}
        value={parentId}
        excluded={excluded}
        onChange={setParentId}
      />
      <div className="team-settings-actions">
        <button type="submit" className="btn btn-primary btn-small" disabled={busy || !dirty} data-testid="team-save">
          Save
        </button>
        <button
          type="button"
          className="btn btn-secondary btn-small"
          disabled={subTeams.length > 0}
          title={subTeams.length > 0 ? 'Move or delete its sub-teams first.' : undefined}
          onClick={() => setConfirming(true)}
          data-testid="team-delete"
        >
          Delete team…
        </button>
      </div>
      {subTeams.length > 0 ? (
        <p className="field-hint team-settings-hint">
          Sub-teams: {subTeams.map((child) => child.name).join(', ')}. Move or delete them before deleting this team.
        </p>
      ) : null}
      {failure ? (
        <div className="team-settings-hint">
          <Alert tone="error" testId="team-settings-error">
            <p>{failure}</p>
          </Alert>
        </div>
      ) : null}
      <ConfirmDialog
        open={confirming}
        title={`Delete “${team.name}”?`}
        confirmLabel="Delete team"
        danger
        onConfirm={() => void remove()}
        onCancel={() => setConfirming(false)}
      >
        <p>
          {team.members.length === 0
            ? 'Nobody is in this team.'
            : `Its ${team.members.length} ${team.members.length === 1 ? 'membership ends' : 'memberships end'}: its managers no longer reach its people through it.`}
          {parentName ? ` Managers of ${parentName} no longer reach them through it either.` : ''} The audit log keeps
          who was in it.
        </p>
      </ConfirmDialog>
    </form>
  );
}
