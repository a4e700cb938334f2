import type { FastifyRequest } from 'fastify';
import { AppError } from '../../common/errors.js';
import type { ActiveSession } from '../auth/sessions.js';
import type { ServerContext } from '../context.js';
import { readSessionToken } from './session-token.js';

/** The caller's live session, or UNAUTHENTICATED (401). */
export async function requireSession(context: ServerContext, request: FastifyRequest): Promise<ActiveSession> {
  const token = readSessionToken(request);
  const active = token ? await context.sessions.authenticate(token, context.clock.now()) : undefined;
  if (!active) throw new AppError('UNAUTHENTICATED', 'Sign in first: the session is missing, expired or revoked.');
  return active;
}
