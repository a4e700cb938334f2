import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../common/errors.js';
import { SCOPE_RANK } from '../../common/rbac/permissions.js';
import type { ActiveSession } from '../auth/sessions.js';
import type { ServerContext } from '../context.js';
import { effectiveScope, rightsOf, type CallerRights } from '../rbac/caller-rights.js';
import { reaches } from '../rbac/reach.js';
import { requireSession } from './require-session.js';
import { accessOf, type PermissionAccess } from './route-access.js';

/** Who is calling, set before the handler runs on every route that is not public. */
export type Caller = ActiveSession & {
  /** Computed for permission routes; session routes that need it call rightsOf themselves. */
  rights: CallerRights | null;
};

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

/**
 * The one place routes are authorized (server/http/route-access.ts says who may call what): a route
 * registered without a declaration fails the start, and every request is checked before its handler.
 */
export function installRouteAccess(app: FastifyInstance, context: ServerContext): void {
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

  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (url === undefined) return; // no route matched: the not-found handler answers 404
    const access = accessOf(request.method, url);
    if (access === undefined) throw new AppError('INTERNAL', `No access declared for ${request.method} ${url}.`);
    if (access === 'public') return;
    const active = await requireSession(context, request, {
      allowWithoutSecondFactor: access === 'session-2fa-setup',
    });
    request.caller = { ...active, rights: null };
    if (typeof access === 'string') return;
    request.caller.rights = await authorizePermission(context, request, active.user.id, access);
  });
}

async function authorizePermission(
  context: ServerContext,
  request: FastifyRequest,
  userId: string,
  access: PermissionAccess,
): Promise<CallerRights> {
  const rights = await rightsOf(context.db, userId, context.clock.now());
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
  if (access.targetUser !== undefined) {
    const target = (request.params as Record<string, unknown>)[access.targetUser];
    if (typeof target !== 'string' || !(await reaches(context.db, userId, scope, target))) {
      throw new AppError('FORBIDDEN', outOfReach(scope));
    }
  }
  return rights;
}

/** The refusal when the user acted on is beyond the caller's scope over users. */
export function outOfReach(scope: string): string {
  return scope === 'own' ? 'You may do this only for your own account.' : 'This user is not in a team you manage.';
}

/** The caller the access hook set; a route declared public has none. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new AppError('INTERNAL', 'The route reads a caller but is declared public.');
  return request.caller;
}

/** The caller's rights, computed by the access hook (permission routes) or here (session routes). */
export async function callerRights(context: ServerContext, request: FastifyRequest): Promise<CallerRights> {
  const caller = callerOf(request);
  caller.rights ??= await rightsOf(context.db, caller.user.id, context.clock.now());
  return caller.rights;
}
