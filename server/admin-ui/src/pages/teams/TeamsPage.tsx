import { useState, type ReactElement } from 'react';
import type { TeamView, UserView } from '../../../../../common/api/server-admin.js';
import { EmptyState } from '../../../../../ui/EmptyState.js';
import { api } from '../../api/admin.js';
import { TeamIcon } from '../../components/icons.js';
import { LoadState } from '../../components/LoadState.js';
import { ReadOnly, ReadOnlyNotice } from '../../components/ReadOnly.js';
import { useAbilities } from '../../lib/access.js';
import { useLoad } from '../../lib/useLoad.js';
import { NewTeamForm } from './NewTeamForm.js';
import { flattenTeams } from './team-tree.js';
import { TeamMembers } from './TeamMembers.js';
import { TeamSettings } from './TeamSettings.js';

/**
 * Teams and sub-teams: a manager of a team reaches the work of its members and of every sub-team's
 * ("team" scope in a role). Choose a team to set its members and managers.
 */
export function TeamsPage(): ReactElement {
  const [teams, reloadTeams] = useLoad(api.teams);
  const [users] = useLoad(api.users);
  const [selected, setSelected] = useState<string>();
  // Teams decide what a "team" scope reaches: changing them is a whole-workspace power.
  const { editWorkspaceDirectory: editable } = useAbilities();

  return (
    <div className="page">
      <p className="text-secondary page-intro">
        A team includes its sub-teams: a manager of Sales also manages Sales · North. Roles with the “team” scope reach
        the records of the teams the user manages.
      </p>
      {editable ? null : (
        <ReadOnlyNotice>Your roles let you see the teams, not change them or who is in them.</ReadOnlyNotice>
      )}
      <LoadState loaded={teams}>
        {(list) => (
          <>
            {editable ? (
              <NewTeamForm
                teams={list}
                onCreated={(team) => {
                  setSelected(team.id);
                  reloadTeams();
                }}
              />
            ) : null}
            {list.length === 0 ? (
              <EmptyState icon={<TeamIcon size={24} />} title="No teams yet" testId="teams-empty">
                <p>{editable ? 'Create a team above, then sub-teams inside it.' : 'Nobody has made a team yet.'}</p>
              </EmptyState>
            ) : (
              <div className="split split-even">
                <TeamTree teams={list} selected={selected} onSelect={setSelected} />
                <ReadOnly readOnly={!editable}>
                  <SelectedTeam
                    team={list.find((team) => team.id === selected)}
                    teams={list}
                    users={users.state === 'ready' ? users.value : []}
                    onChanged={reloadTeams}
                    onDeleted={() => {
                      setSelected(undefined);
                      reloadTeams();
                    }}
                  />
                </ReadOnly>
              </div>
            )}
          </>
        )}
      </LoadState>
    </div>
  );
}

function TeamTree({
  teams,
  selected,
  onSelect,
}: {
  teams: TeamView[];
  selected: string | undefined;
  onSelect: (id: string) => void;
}): ReactElement {
  return (
    <div className="card tree-card">
      <ul className="tree" aria-label="Teams" data-testid="team-tree">
        {flattenTeams(teams).map(({ team, depth }) => (
          <li key={team.id} className={`tree-item tree-depth-${Math.min(depth, 6)}`}>
            <button
              type="button"
              className={team.id === selected ? 'tree-button tree-button-current' : 'tree-button'}
              aria-pressed={team.id === selected}
              onClick={() => onSelect(team.id)}
              data-testid="team-open"
            >
              <span className="tree-name">{team.name}</span>
              <span className="tree-count">
                {team.members.length} {team.members.length === 1 ? 'member' : 'members'}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function SelectedTeam({
  team,
  teams,
  users,
  onChanged,
  onDeleted,
}: {
  team: TeamView | undefined;
  teams: TeamView[];
  users: UserView[];
  onChanged: () => void;
  onDeleted: () => void;
}): ReactElement {
  if (!team) {
    return (
      <div className="card detail-card detail-card-empty">
        <p className="text-secondary">Choose a team to see and change its members.</p>
      </div>
    );
  }
  return (
    <TeamMembers
      key={team.id}
      team={team}
      users={users}
      settings={<TeamSettings team={team} teams={teams} onChanged={onChanged} onDeleted={onDeleted} />}
      onChanged={onChanged}
    />
  );
}
