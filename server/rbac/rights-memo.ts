import { combineRoles, type RoleGrants } from '../../common/rbac/evaluate.js';
import { EmailVisibility, FieldRules, PermissionTable, type Grant } from '../../common/rbac/permissions.js';
import { policyGrant } from '../grants/grant-rows.js';
import type { AccessGrantsTable } from '../db/schema.js';
import { rightsHash, type CompiledRights } from './compile-policy.js';

/**
 * A user's rights as the caller query reads them (server/auth/caller-query.ts), one JSON text each:
 * `roles` = [[permissions, field_rules, email_visibility], ...] in name order (the first two are
 * the stored JSON texts), `grants` = [[id, object, action, scope, expires_at], ...] of the approved
 * grants in id order, due or not.
 */
export type RightsTexts = { roles: string; grants: string };

/**
 * What the texts compile to: the combined roles, the live grants, the policy's rights and their hash.
 * Shared by every request that read the same texts, so deeply frozen: writing to them throws.
 */
export type CompiledCallerRights = {
  roles: Required<RoleGrants>;
  grants: Grant[];
  rights: CompiledRights;
  hash: string;
};

type Entry = CompiledCallerRights & {
  offlineGraceHours: number;
  /** The earliest expiry among the grants: past it, one of them is due and the entry no longer holds. */
  dueAt: number;
};

type GrantTuple = [string, string, string, string, number | string | null];

/**
 * Compiling rights (JSON.parse, zod checks of every role, combineRoles, canonical JSON, SHA-256) for
 * every request was a large part of a policy fetch. The result depends on nothing but the texts the
 * query read (and the workspace's offline grace), so it is memoized by those exact texts: a role
 * edited, assigned or unassigned, or a grant approved, changes the text and misses the memo; nothing
 * can be served stale. Only time changes the answer for the same texts (a grant running out), so an
 * entry holds only before its first grant expiry. Bounded, least recently used out first.
 */
export class RightsMemo {
  /** By roles text, then grants text (two levels: no key string built per request). */
  private readonly entries = new Map<string, Map<string, Entry>>();
  private count = 0;

  constructor(readonly max = 1024) {}

  get size(): number {
    return this.count;
  }

  /**
   * The compiled rights, or 'due' when an approved grant among the texts is past its end at `now`:
   * the caller expires it (recorded once, server/grants/grant-expiry.ts) and compiles with
   * `compileLive`, which leaves it out.
   */
  compile(texts: RightsTexts, offlineGraceHours: number, now: number): CompiledCallerRights | 'due' {
    const byGrants = this.entries.get(texts.roles);
    const hit = byGrants?.get(texts.grants);
    if (hit && hit.offlineGraceHours === offlineGraceHours) {
      if (now >= hit.dueAt) return 'due';
      // Maps keep insertion order: re-inserting makes this the most recently used.
      this.entries.delete(texts.roles);
      this.entries.set(texts.roles, byGrants!);
      return hit;
    }
    const rows = parseGrants(texts.grants);
    const dueAt = Math.min(...rows.map((row) => Number(row.expires_at)));
    if (now >= dueAt) return 'due';
    const entry: Entry = { ...compileParts(texts.roles, rows, offlineGraceHours), offlineGraceHours, dueAt };
    this.remember(texts, entry);
    return entry;
  }

  private remember(texts: RightsTexts, entry: Entry): void {
    let byGrants = this.entries.get(texts.roles);
    if (byGrants) this.entries.delete(texts.roles);
    else byGrants = new Map();
    this.entries.set(texts.roles, byGrants); // the most recently used
    if (!byGrants.has(texts.grants)) {
      // One roles text with ever new grants texts is bounded too.
      if (byGrants.size >= this.max) {
        this.count -= byGrants.size;
        byGrants.clear();
      }
      this.count += 1;
    }
    byGrants.set(texts.grants, entry);
    // Over the bound: least recently used roles texts out first, with all their grants variants.
    for (const [roles, variants] of this.entries) {
      if (this.count <= this.max || roles === texts.roles) break;
      this.count -= variants.size;
      this.entries.delete(roles);
    }
  }

  /** The rights without the grants due at `now` (after they were expired), not memoized: rare. */
  compileLive(texts: RightsTexts, offlineGraceHours: number, now: number): CompiledCallerRights {
    const live = parseGrants(texts.grants).filter((row) => Number(row.expires_at) > now);
    return compileParts(texts.roles, live, offlineGraceHours);
  }
}

function parseGrants(text: string): AccessGrantsTable[] {
  return (JSON.parse(text) as GrantTuple[]).map(
    ([id, object, action, scope, expiresAt]) =>
      ({ id, object, action, scope, expires_at: Number(expiresAt) }) as AccessGrantsTable,
  );
}

function compileParts(rolesText: string, grantRows: AccessGrantsTable[], offlineGraceHours: number) {
  // Checked again on the way out, as roleFromRow does: the JSON is only text to the database.
  const roles = (JSON.parse(rolesText) as [string, string, string][]).map(
    ([permissions, fieldRules, emailVisibility]) => ({
      permissions: PermissionTable.parse(JSON.parse(permissions)),
      fieldRules: FieldRules.parse(JSON.parse(fieldRules)),
      emailVisibility: EmailVisibility.parse(emailVisibility),
    }),
  );
  const combined = deepFreeze(combineRoles(roles));
  const grants = deepFreeze(grantRows.map(policyGrant));
  const rights: CompiledRights = { ...combined, grants, offlineGraceHours };
  // Shared by every request that reads the same texts: frozen, so no caller can change another's rights.
  return { roles: combined, grants, rights: deepFreeze(rights), hash: rightsHash(rights) };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
