import type { MergeKind } from '../../../common/domain/merge.js';

type Row = Record<string, unknown>;

/** Columns a merge never copies: identity, bookkeeping, and the company's unique domain. */
const KEPT: Record<MergeKind, ReadonlySet<string>> = {
  contact: new Set(['id', 'created_at', 'updated_at', 'source']),
  company: new Set(['id', 'created_at', 'updated_at', 'source', 'domain']),
};

/**
 * What the target of a merge takes from its sources: every field the target leaves empty gets the
 * first source's value (sources in the order the user listed them). A few fields combine instead:
 * phone lists are joined, custom fields add the keys the target lacks, the latest activity wins, and
 * a name the mail gave (or the user typed) replaces one that was only made from an address.
 *
 * Works on raw rows, column by column, so columns added by later migrations are filled too.
 */
export function fillFromSources(kind: MergeKind, target: Row, sources: Row[]): Row {
  const changes: Row = {};
  for (const column of Object.keys(target)) {
    if (KEPT[kind].has(column) || column === 'name_derived') continue;
    const combined = combine(
      column,
      target[column],
      sources.map((source) => source[column]),
    );
    if (combined !== undefined && combined !== target[column]) changes[column] = combined;
  }
  if (kind === 'contact' && target.name_derived === 1) {
    const named = sources.find((source) => source.name_derived === 0);
    if (named) {
      changes.name = named.name;
      changes.name_derived = 0;
    }
  }
  return changes;
}

function combine(column: string, current: unknown, candidates: unknown[]): unknown {
  if (column === 'last_activity_at') {
    const dates = [current, ...candidates].filter((value): value is string => typeof value === 'string');
    return dates.length ? dates.reduce((a, b) => (a > b ? a : b)) : undefined;
  }
  if (column === 'phones') return joinLists(current, candidates);
  if (column === 'custom_fields') return joinObjects(current, candidates);
  if (!isEmpty(current)) return undefined;
  return candidates.find((value) => !isEmpty(value));
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

function parse(value: unknown): unknown {
  if (typeof value !== 'string') return null;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return null;
  }
}

function joinLists(current: unknown, candidates: unknown[]): string | undefined {
  const lists = [current, ...candidates].map(parse).filter((value): value is unknown[] => Array.isArray(value));
  if (lists.length === 0) return undefined;
  const own = parse(current);
  const joined: unknown[] = Array.isArray(own) ? [...(own as unknown[])] : [];
  const before = joined.length;
  for (const item of lists.flat()) if (!joined.includes(item)) joined.push(item);
  // Unchanged lists keep their stored text.
  return joined.length === before && Array.isArray(own) ? undefined : JSON.stringify(joined);
}

function joinObjects(current: unknown, candidates: unknown[]): string | undefined {
  const own = parse(current);
  if (own === null || typeof own !== 'object' || Array.isArray(own)) return undefined;
  const joined: Record<string, unknown> = { ...(own as Record<string, unknown>) };
  let added = false;
  for (const candidate of candidates) {
    const other = parse(candidate);
    if (other === null || typeof other !== 'object' || Array.isArray(other)) continue;
    for (const [key, value] of Object.entries(other)) {
      if (key in joined) continue;
      joined[key] = value;
      added = true;
    }
  }
  return added ? JSON.stringify(joined) : undefined;
}
