import type { TeamView } from '../../../../../common/api/server-admin.js';

export type TeamNode = { team: TeamView; depth: number };

/**
 * The hierarchy flattened in display order (each team followed by its sub-teams, by name), with its
 * depth for indentation. A team whose parent is missing is shown at the top rather than lost; a
 * cycle (which the API can't create) would end at the first repeat.
 */
export function flattenTeams(teams: readonly TeamView[]): TeamNode[] {
  const ids = new Set(teams.map((team) => team.id));
  const children = new Map<string | null, TeamView[]>();
  for (const team of teams) {
    const parent = team.parentId !== null && ids.has(team.parentId) ? team.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), team]);
  }
  const out: TeamNode[] = [];
  const seen = new Set<string>();
  const walk = (parent: string | null, depth: number): void => {
    const list = [...(children.get(parent) ?? [])].sort((a, b) => a.name.localeCompare(b.name));
    for (const team of list) {
      if (seen.has(team.id)) continue;
      seen.add(team.id);
      out.push({ team, depth });
      walk(team.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/** A team and every team below it: where it may not be moved (the server refuses a cycle too). */
export function teamAndBelow(teams: readonly TeamView[], id: string): Set<string> {
  const below = new Set([id]);
  // Teams are few: sweep until nothing new joins (a parent's children join after it).
  for (let grew = true; grew;) {
    grew = false;
    for (const team of teams) {
      if (team.parentId !== null && below.has(team.parentId) && !below.has(team.id)) {
        below.add(team.id);
        grew = true;
      }
    }
  }
  return below;
}
