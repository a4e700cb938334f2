import { MAX_PENDING_GRANTS_PER_USER, type GrantRequestInput, type GrantView } from '../../common/api/server-grants.js';
import { AppError } from '../../common/errors.js';
import { SCOPE_RANK } from '../../common/rbac/permissions.js';
import { recordAudit } from '../audit/audit-log.js';
import { newId } from '../auth/tokens.js';
import type { ServerContext } from '../context.js';
import { lockedTransaction } from '../db/locked-transaction.js';
import type { AccessGrantsTable } from '../db/schema.js';
import { effectiveScope, type CallerRights } from '../rbac/caller-rights.js';
import { expireDueGrants } from './grant-expiry.js';
import { alreadyDecided, grantById, grantsWithEmail } from './grant-queries.js';
import { grantFacts, grantView } from './grant-rows.js';

/** PostgreSQL advisory lock namespace for one user's requests (the name is the user id). */
const GRANT_REQUEST_LOCK = 7_270_006;

/** The requests a user sees of their own, newest first. */
const MINE_LIMIT = 100;

type Requester = { id: string; email: string; rights: CallerRights };

/**
 * A user asks for one permission for a while. Refused when they already hold it at that scope or
 * wider, when it would last longer than the workspace allows, when the same permission is already
 * waiting, or when they have too many requests waiting; the count is checked under a per-user lock
 * so a burst of requests can't all pass it.
 */
export async function requestGrant(
  context: ServerContext,
  requester: Requester,
  input: GrantRequestInput,
  now: number,
): Promise<GrantView> {
  const permission = { object: input.object, action: input.action };
  const held = effectiveScope(requester.rights, permission);
  if (SCOPE_RANK[held] >= SCOPE_RANK[input.scope]) {
    throw new AppError(
      'CONFLICT',
      `You already may ${input.action} ${input.object} at scope '${held}', which covers '${input.scope}': there is nothing to ask for.`,
    );
  }
  const { grantMaxMinutes } = await context.settings.get();
  if (input.minutes > grantMaxMinutes) {
    throw new AppError('VALIDATION', `minutes: at most ${grantMaxMinutes}, this workspace's longest grant.`);
  }
  const row: AccessGrantsTable = {
    id: newId(),
    user_id: requester.id,
    object: input.object,
    action: input.action,
    scope: input.scope,
    reason: input.reason,
    requested_minutes: input.minutes,
    status: 'pending',
    requested_at: now,
    decided_by: null,
    decided_at: null,
    approved_minutes: null,
    expires_at: null,
    ended_by: null,
    ended_at: null,
    note: null,
  };
  await lockedTransaction(
    context.db,
    context.kind,
    { namespace: GRANT_REQUEST_LOCK, name: requester.id },
    async (trx) => {
      const pending = await trx
        .selectFrom('access_grants')
        .select(['object', 'action'])
        .where('user_id', '=', requester.id)
        .where('status', '=', 'pending')
        .execute();
      if (pending.some((other) => other.object === input.object && other.action === input.action)) {
        throw new AppError(
          'CONFLICT',
          `You asked for ${input.action} ${input.object} already; that request is waiting for a decision.`,
        );
      }
      if (pending.length >= MAX_PENDING_GRANTS_PER_USER) {
        throw new AppError(
          'CONFLICT',
          `You have ${MAX_PENDING_GRANTS_PER_USER} requests waiting already: cancel one or wait for a decision.`,
        );
      }
      await trx.insertInto('access_grants').values(row).execute();
      await recordAudit(trx, {
        action: 'grant.requested',
        actorUserId: requester.id,
        at: now,
        target: `user:${requester.id}`,
        details: { ...grantFacts(row), minutes: input.minutes, reason: input.reason },
      });
    },
  );
  return grantView(row, requester.email);
}

/** The user's own requests, newest first; whatever has run out is marked expired first. */
export async function grantsOf(context: ServerContext, userId: string, now: number): Promise<GrantView[]> {
  await expireDueGrants(context.db, now, userId);
  const rows = await grantsWithEmail(context.db)
    .where('access_grants.user_id', '=', userId)
    .orderBy('access_grants.requested_at', 'desc')
    .orderBy('access_grants.id')
    .limit(MINE_LIMIT)
    .execute();
  return rows.map((row) => grantView(row, row.user_email));
}

/**
 * The user withdraws a request still waiting, or gives back an approved grant before its end. Only
 * their own: someone else's request is "not found" to them.
 */
export async function cancelGrant(context: ServerContext, userId: string, id: string, now: number): Promise<GrantView> {
  return context.db.transaction().execute(async (trx) => {
    const row = await grantById(trx, id);
    if (!row || row.user_id !== userId) throw new AppError('NOT_FOUND', 'You have no access request with this id.');
    const live = row.status === 'approved' && Number(row.expires_at) > now;
    if (row.status !== 'pending' && !live) throw alreadyDecided(row.status === 'approved' ? 'expired' : row.status);
    const updated = await trx
      .updateTable('access_grants')
      .set({ status: 'cancelled', ended_by: userId, ended_at: now })
      .where('id', '=', id)
      .where('status', '=', row.status)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) throw alreadyDecided(null);
    await recordAudit(trx, {
      action: 'grant.cancelled',
      actorUserId: userId,
      at: now,
      target: `user:${userId}`,
      details: { ...grantFacts(row), was: row.status },
    });
    return grantView({ ...row, status: 'cancelled', ended_by: userId, ended_at: now }, row.user_email);
  });
}
