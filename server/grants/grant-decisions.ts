import type { GrantApproveInput, GrantDecisionInput, GrantView } from '../../common/api/server-grants.js';
import { AppError } from '../../common/errors.js';
import { RbacAction, RbacObject, SCOPE_RANK, Scope } from '../../common/rbac/permissions.js';
import { recordAudit } from '../audit/audit-log.js';
import type { Transaction } from 'kysely';
import type { RoleGrants } from '../../common/rbac/evaluate.js';
import type { ServerContext } from '../context.js';
import type { ServerDatabase } from '../db/schema.js';
import { effectiveScope, heldScope, type CallerRights } from '../rbac/caller-rights.js';
import { scopeExcess } from '../rbac/escalation.js';
import { inReach, reaches, usersInReach } from '../rbac/reach.js';
import { underRoleLock } from '../rbac/role-change.js';
import { expireDueGrants } from './grant-expiry.js';
import { alreadyDecided, grantById, grantsWithEmail, type GrantRow } from './grant-queries.js';
import { grantFacts, grantView } from './grant-rows.js';

const MINUTE = 60_000;

/** The approver: their id and rights (roles, live grants) as the access hook computed them. */
export type Approver = { id: string; rights: CallerRights };

function permissionOf(row: GrantRow) {
  return { object: RbacObject.parse(row.object), action: RbacAction.parse(row.action) };
}

/** The approver may decide on this user's requests: users:edit over them, and never their own. */
async function assertMayDecide(context: ServerContext, approver: Approver, row: GrantRow, verb: string) {
  if (row.user_id === approver.id) throw new AppError('FORBIDDEN', `You cannot ${verb} your own access request.`);
  const scope = effectiveScope(approver.rights, { object: 'users', action: 'edit' });
  if (!(await reaches(context.db, approver.id, scope, row.user_id))) {
    throw new AppError('FORBIDDEN', `You may ${verb} requests only of the users in the teams you manage.`);
  }
}

/** What the approver's roles give must cover the grant: nobody hands on more than they hold. */
function assertHolds(held: Required<RoleGrants>, row: GrantRow): void {
  const excess = scopeExcess(permissionOf(row), Scope.parse(row.scope), held);
  if (excess !== null) {
    throw new AppError('FORBIDDEN', `You can approve only what your own roles give you: this asks for ${excess}.`);
  }
}

async function loadGrant(context: ServerContext, id: string): Promise<GrantRow> {
  const row = await grantById(context.db, id);
  if (!row) throw new AppError('NOT_FOUND', 'No access request with this id.');
  return row;
}

/**
 * Approves a waiting request for its duration or a shorter one (never beyond the workspace's
 * maximum), counted from now. The update is conditional on the request still waiting, so two
 * approvers deciding at once can't both win.
 */
export async function approveGrant(
  context: ServerContext,
  approver: Approver,
  id: string,
  input: GrantApproveInput,
  now: number,
): Promise<GrantView> {
  const row = await loadGrant(context, id);
  await assertMayDecide(context, approver, row, 'approve');
  if (row.status !== 'pending') throw alreadyDecided(row.status);
  assertHolds(approver.rights.roles, row);
  const { grantMaxMinutes } = await context.settings.get();
  const requested = Number(row.requested_minutes);
  if (input.minutes !== undefined && input.minutes > requested) {
    throw new AppError('VALIDATION', `minutes: you may shorten the ${requested} minutes asked for, not lengthen them.`);
  }
  if (input.minutes !== undefined && input.minutes > grantMaxMinutes) {
    throw new AppError('VALIDATION', `minutes: at most ${grantMaxMinutes}, this workspace's longest grant.`);
  }
  // The maximum may have been lowered since the request: the default follows it.
  const minutes = input.minutes ?? Math.min(requested, grantMaxMinutes);
  const decided = { status: 'approved', decided_by: approver.id, decided_at: now, approved_minutes: minutes };
  const expiresAt = now + minutes * MINUTE;
  // Handing on a right is judged again where roles change: under the role-change lock, with the
  // approver's roles and their reach over the requester as they are then (server/rbac/reach.ts).
  return underRoleLock(
    context,
    approver.id,
    async (trx, held) => {
      assertHolds(held, row);
      return decideIn(
        trx,
        row,
        { ...decided, expires_at: expiresAt },
        {
          action: 'grant.approved',
          actor: approver.id,
          now,
          details: { minutes, requestedMinutes: requested, expiresAt: new Date(expiresAt).toISOString() },
        },
      );
    },
    { userId: row.user_id, action: 'edit', now },
  );
}

/** Denies a waiting request (with a note the requester sees). */
export async function denyGrant(
  context: ServerContext,
  approver: Approver,
  id: string,
  input: GrantDecisionInput,
  now: number,
): Promise<GrantView> {
  const row = await loadGrant(context, id);
  await assertMayDecide(context, approver, row, 'deny');
  if (row.status !== 'pending') throw alreadyDecided(row.status);
  const note = input.note || null;
  return decide(
    context,
    row,
    { status: 'denied', decided_by: approver.id, decided_at: now, note },
    {
      action: 'grant.denied',
      actor: approver.id,
      now,
      details: { note },
    },
  );
}

/** Ends an approved grant before its time. Taking away needs no holding of the permission. */
export async function revokeGrant(
  context: ServerContext,
  approver: Approver,
  id: string,
  input: GrantDecisionInput,
  now: number,
): Promise<GrantView> {
  const row = await loadGrant(context, id);
  const scope = effectiveScope(approver.rights, { object: 'users', action: 'edit' });
  if (!(await reaches(context.db, approver.id, scope, row.user_id))) {
    throw new AppError('FORBIDDEN', 'You may revoke grants only of the users in the teams you manage.');
  }
  if (row.status !== 'approved' || Number(row.expires_at) <= now) {
    throw alreadyDecided(row.status === 'approved' ? 'expired' : row.status);
  }
  const note = input.note || null;
  return decide(
    context,
    row,
    { status: 'revoked', ended_by: approver.id, ended_at: now, note },
    {
      action: 'grant.revoked',
      actor: approver.id,
      now,
      details: { note },
    },
  );
}

/** One state change, conditional on the state it was read in, with its audit event in the same transaction. */
async function decide(
  context: ServerContext,
  row: GrantRow,
  changes: Partial<Omit<GrantRow, 'id' | 'user_id' | 'user_email'>>,
  audit: { action: string; actor: string; now: number; details: Record<string, unknown> },
): Promise<GrantView> {
  return context.db.transaction().execute((trx) => decideIn(trx, row, changes, audit));
}

async function decideIn(
  trx: Transaction<ServerDatabase>,
  row: GrantRow,
  changes: Partial<Omit<GrantRow, 'id' | 'user_id' | 'user_email'>>,
  audit: { action: string; actor: string; now: number; details: Record<string, unknown> },
): Promise<GrantView> {
  let update = trx.updateTable('access_grants').set(changes).where('id', '=', row.id).where('status', '=', row.status);
  if (row.status === 'approved') update = update.where('expires_at', '>', audit.now);
  const updated = await update.executeTakeFirst();
  if (updated.numUpdatedRows === 0n) throw alreadyDecided(null);
  await recordAudit(trx, {
    action: audit.action,
    actorUserId: audit.actor,
    at: audit.now,
    target: `user:${row.user_id}`,
    details: { ...grantFacts(row), ...audit.details },
  });
  return grantView({ ...row, ...changes }, row.user_email);
}

/** Requests waiting that this approver may approve: users within reach, not their own, within their roles. */
export async function pendingFor(context: ServerContext, approver: Approver): Promise<GrantView[]> {
  const scope = effectiveScope(approver.rights, { object: 'users', action: 'edit' });
  const reach = await usersInReach(context.db, approver.id, scope);
  const rows = await grantsWithEmail(context.db)
    .where('access_grants.status', '=', 'pending')
    .orderBy('access_grants.requested_at')
    .orderBy('access_grants.id')
    .execute();
  return rows
    .filter((row) => row.user_id !== approver.id && inReach(reach, row.user_id))
    .filter((row) => SCOPE_RANK[heldScope(approver.rights, permissionOf(row))] >= SCOPE_RANK[Scope.parse(row.scope)])
    .map((row) => grantView(row, row.user_email));
}

/** Grants in force for the users within this approver's reach (what they may revoke). */
export async function activeFor(context: ServerContext, approver: Approver, now: number): Promise<GrantView[]> {
  await expireDueGrants(context.db, now);
  const scope = effectiveScope(approver.rights, { object: 'users', action: 'edit' });
  const reach = await usersInReach(context.db, approver.id, scope);
  const rows = await grantsWithEmail(context.db)
    .where('access_grants.status', '=', 'approved')
    .where('access_grants.expires_at', '>', now)
    .orderBy('access_grants.expires_at')
    .orderBy('access_grants.id')
    .execute();
  return rows.filter((row) => inReach(reach, row.user_id)).map((row) => grantView(row, row.user_email));
}
