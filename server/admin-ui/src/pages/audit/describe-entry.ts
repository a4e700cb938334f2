import type { AuditEntryView } from '../../../../../common/api/server-admin-audit.js';

/** Names for the ids an entry holds, from the users, roles and teams the page loaded. */
export type Names = { users: Map<string, string>; roles: Map<string, string>; teams: Map<string, string> };

export type DetailLine = { label: string; value: string };

const MAX_LINES = 24;

/** "user:<id>" → the user's email, "role:<id>" → the role's name…; anything else as stored. */
export function describeTarget(target: string | null, names: Names): string {
  if (!target) return '';
  const [kind, id = ''] = target.split(/:(.*)/s, 2);
  const name =
    kind === 'user'
      ? names.users.get(id)
      : kind === 'role'
        ? names.roles.get(id)
        : kind === 'team'
          ? names.teams.get(id)
          : undefined;
  if (name) return `${kind} ${name}`;
  if (kind === 'session') return `session ${id.slice(0, 8)}…`;
  return target;
}

/**
 * The details as lines a person reads: nested objects become dotted paths, a `{before, after}` pair
 * (a role update) shows only what changed as "from → to", a `{from, to}` pair (a settings change)
 * likewise, and ids of users and roles are named. Long lists are cut with a count of the rest.
 */
export function describeDetails(entry: AuditEntryView, names: Names): DetailLine[] {
  const details = entry.details;
  const lines: DetailLine[] =
    isRecord(details.before) && isRecord(details.after)
      ? changedPaths(details.before, details.after, '').map(({ path, from, to }) => ({
          label: path,
          value: `${show(from, path, names)} → ${show(to, path, names)}`,
        }))
      : flatten(details, '', names);
  if (lines.length <= MAX_LINES) return lines;
  return [...lines.slice(0, MAX_LINES), { label: '…', value: `${lines.length - MAX_LINES} more` }];
}

function flatten(value: Record<string, unknown>, prefix: string, names: Names): DetailLine[] {
  return Object.entries(value).flatMap(([key, inner]): DetailLine[] => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isRecord(inner) && 'from' in inner && 'to' in inner && Object.keys(inner).length === 2) {
      return [{ label: path, value: `${show(inner.from, path, names)} → ${show(inner.to, path, names)}` }];
    }
    if (isRecord(inner) && Object.keys(inner).length > 0) return flatten(inner, path, names);
    return [{ label: path, value: show(inner, path, names) }];
  });
}

function changedPaths(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  prefix: string,
): { path: string; from: unknown; to: unknown }[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.flatMap((key) => {
    const path = prefix ? `${prefix}.${key}` : key;
    const from = before[key];
    const to = after[key];
    if (isRecord(from) && isRecord(to)) return changedPaths(from, to, path);
    if (isRecord(from) || isRecord(to)) {
      return changedPaths(isRecord(from) ? from : {}, isRecord(to) ? to : {}, path);
    }
    return JSON.stringify(from) === JSON.stringify(to) ? [] : [{ path, from, to }];
  });
}

/** What a missing value means where it is missing: no scope is "none", no field rule "visible". */
function absent(path: string): string {
  if (path.startsWith('permissions.')) return 'none';
  if (path.startsWith('fieldRules.')) return 'visible';
  return '(not set)';
}

function show(value: unknown, path: string, names: Names): string {
  if (value === undefined) return absent(path);
  if (value === null) return 'null';
  if (typeof value === 'string') {
    if (/(^|\.)(roleId)$/.test(path)) return names.roles.get(value) ?? value;
    if (/(^|\.)(userId)$/.test(path)) return names.users.get(value) ?? value;
    return value;
  }
  if (Array.isArray(value))
    return value.length === 0 ? '(empty)' : value.map((item) => show(item, path, names)).join(', ');
  if (isRecord(value) && Object.keys(value).length === 0) return '(empty)';
  return JSON.stringify(value) ?? typeof value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
