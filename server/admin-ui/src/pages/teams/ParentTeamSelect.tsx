import type { ReactElement } from 'react';
import type { TeamView } from '../../../../../common/api/server-admin.js';
import { flattenTeams } from './team-tree.js';

/**
 * "Inside": no parent, or a team of the hierarchy, indented by depth. `excluded` are left out (a team
 * and its own sub-teams, where it can't be moved).
 */
export function ParentTeamSelect({
  id,
  testId,
  teams,
  value,
  excluded,
  onChange,
}: {
  id: string;
  testId: string;
  teams: TeamView[];
  value: string;
  excluded?: ReadonlySet<string>;
  onChange: (parentId: string) => void;
}): ReactElement {
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        Inside
      </label>
      <select
        id={id}
        className="input select"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        data-testid={testId}
      >
        <option value="">No parent (a top team)</option>
        {flattenTeams(teams)
          .filter(({ team }) => !excluded?.has(team.id))
          .map(({ team, depth }) => (
            <option key={team.id} value={team.id}>
              {`${'– '.repeat(depth)}${team.name}`}
            </option>
          ))}
      </select>
    </div>
  );
}
