import type { FastifyRequest } from 'fastify';
import { AppError } from '../../common/errors.js';
import type { ActiveSession } from '../auth/sessions.js';
import type { ServerContext } from '../context.js';
import { requireSession } from './require-session.js';

/**
 * The caller's session when they are an admin, else FORBIDDEN (403). For now the bootstrap admin flag
 * is the permission; the admin routes will ask for `users:edit` from the caller's roles later.
 */
export async function requireAdmin(context: ServerContext, request: FastifyRequest): Promise<ActiveSession> {
  const active = await requireSession(context, request);
  if (active.user.is_admin !== 1) throw new AppError('FORBIDDEN', 'Only an admin may do this.');
  return active;
}
