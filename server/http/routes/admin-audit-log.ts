import type { FastifyInstance } from 'fastify';
import {
  AuditQuery,
  type AuditActions,
  type AuditEntryView,
  type AuditPage,
} from '../../../common/api/server-admin-audit.js';
import { ok } from '../../../common/result.js';
import type { ServerContext } from '../../context.js';
import { parseBody } from '../parse-body.js';

/**
 * The audit log for the admin pages, newest first, in keyset pages (`before` = the last seq seen),
 * so a page costs the same at any depth of a long log. Reading is not itself audited: it changes
 * nothing, and every page view would otherwise append to the log it shows.
 */
export function registerAdminAuditLogRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/admin/audit', async (request, reply) => {
    const query = parseBody(AuditQuery, request.query);
    const rows = await context.db
      .selectFrom('audit_log')
      .leftJoin('users', 'users.id', 'audit_log.actor_user_id')
      .selectAll('audit_log')
      .select('users.email as actor_email')
      .$if(query.before !== undefined, (q) => q.where('audit_log.seq', '<', query.before!))
      .$if(Boolean(query.action), (q) => q.where('audit_log.action', '=', query.action!))
      .$if(query.actor === 'system', (q) => q.where('audit_log.actor_user_id', 'is', null))
      .$if(query.actor !== undefined && query.actor !== 'system', (q) =>
        q.where('audit_log.actor_user_id', '=', query.actor!),
      )
      .orderBy('audit_log.seq', 'desc')
      // One more than asked says whether an older page exists.
      .limit(query.limit + 1)
      .execute();
    const entries: AuditEntryView[] = rows.slice(0, query.limit).map((row) => ({
      seq: Number(row.seq),
      at: new Date(Number(row.at)).toISOString(),
      actorUserId: row.actor_user_id,
      actorEmail: row.actor_email ?? null,
      source: row.source,
      action: row.action,
      target: row.target,
      details: parseDetails(row.details),
      hash: row.hash,
    }));
    const page: AuditPage = {
      entries,
      next: rows.length > query.limit ? (entries[entries.length - 1]?.seq ?? null) : null,
    };
    return reply.send(ok(page));
  });

  app.get('/api/admin/audit/actions', async (request, reply) => {
    const rows = await context.db.selectFrom('audit_log').select('action').distinct().orderBy('action').execute();
    const output: AuditActions = { actions: rows.map((row) => row.action) };
    return reply.send(ok(output));
  });
}

/** Stored details are canonical JSON written by the log itself; anything else is shown as text. */
function parseDetails(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  } catch {
    return { text };
  }
}
