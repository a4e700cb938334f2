import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../common/errors.js';
import { SCOPE_RANK } from '../../common/rbac/permissions.js';
import { POLICY_COPY, POLICY_NONE, POLICY_VERSION } from '../auth/caller-sql.js';
import type { LoadedCaller } from '../auth/callers.js';
import type { ServerContext } from '../context.js';
import { after, type MaybePromise } from '../maybe-promise.js';
import { effectiveScope, type CallerRights } from '../rbac/caller-rights.js';
import { outOfReach, reaches } from '../rbac/reach.js';
import { requireSession } from './require-session.js';
import { accessOf, type PermissionAccess } from './route-access.js';

/** Who is calling, with their rights, set before the handler runs on every route that is not public. */
export type Caller = LoadedCaller;

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
  interface FastifyContextConfig {
    /** The handler reads the caller's policy version row (the policy route): loaded with the session. */
    withPolicy?: boolean;
  }
}

/**
 * The one place routes are authorized (server/http/route-access.ts says who may call what): a route
 * registered without a declaration fails the start, and every request is checked before its handler
 * (authorizeRequest, from the request hook).
 */
export function installRouteAccess(app: FastifyInstance): void {
  app.decorateRequest('caller', null);

  app.addHook('onRoute', (route) => {
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      if (accessOf(method, route.url) === undefined) {
        throw new Error(
          `The route ${method} ${route.url} declares no access: add it to server/http/route-access.ts ('public', 'session' or a permission).`,
        );
      }
    }
  });
}

/**
 * Authorizes one request before its handler (run by the request hook, server/http/request-checks.ts,
 * after the IP allowlist): sets request.caller, or throws UNAUTHENTICATED / FORBIDDEN. Synchronous
 * when nothing has to wait (server/maybe-promise.ts).
 */
export function authorizeRequest(context: ServerContext, request: FastifyRequest): MaybePromise<void> {
  const url = request.routeOptions.url;
  if (url === undefined) return; // no route matched: the not-found handler answers 404
  const access = accessOf(request.method, url);
  if (access === undefined) throw new AppError('INTERNAL', `No access declared for ${request.method} ${url}.`);
  if (access === 'public') return;
  const caller = requireSession(context, request, {
    allowWithoutSecondFactor: access === 'session-2fa-setup',
    policy:
      request.routeOptions.config.withPolicy !== true
        ? POLICY_NONE
        : request.headers['if-none-match'] === undefined
          ? POLICY_COPY
          : POLICY_VERSION,
  });
  return after(caller, (loaded) => {
    request.caller = loaded;
    if (typeof access === 'string') return;
    return authorizePermission(context, request, loaded.rights, access);
  });
}

function authorizePermission(
  context: ServerContext,
  request: FastifyRequest,
  rights: CallerRights,
  access: PermissionAccess,
): MaybePromise<void> {
  const userId = rights.userId;
  const scope = effectiveScope(rights, access);
  const least = access.scope ?? 'own';
  if (SCOPE_RANK[scope] < SCOPE_RANK[least]) {
    throw new AppError(
      'FORBIDDEN',
      scope === 'none'
        ? `Your roles do not allow this (${access.action} ${access.object}).`
        : `This needs ${access.action} ${access.object} for ${least === 'all' ? 'the whole workspace' : 'your team'} (scope '${least}'); your roles give '${scope}'.`,
    );
  }
  // targetUser is declared only on `users` permissions: the scope just checked is the reach.
  if (access.targetUser === undefined) return;
  const target = (request.params as Record<string, unknown>)[access.targetUser];
  if (typeof target !== 'string') throw new AppError('FORBIDDEN', outOfReach(scope));
  return reaches(context.db, userId, scope, target).then((inReach) => {
    if (!inReach) throw new AppError('FORBIDDEN', outOfReach(scope));
  });
}

/** The caller the access hook set; a route declared public has none. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new AppError('INTERNAL', 'The route reads a caller but is declared public.');
  return request.caller;
}

/** The caller's rights, loaded with the session by the access hook (the same read). */
export function callerRights(_context: ServerContext, request: FastifyRequest): Promise<CallerRights> {
  return Promise.resolve(callerOf(request).rights);
}
