import type { RbacAction, RbacObject } from '../../common/rbac/permissions.js';

/**
 * Who may call a route, decided before its handler runs (server/http/authorize.ts):
 * - 'public': anyone (sign-in, the setup page, the workspace key, health);
 * - 'session': any signed-in user; while the workspace requires 2FA and the user has none, 403;
 * - 'session-2fa-setup': any signed-in user, even before the 2FA the workspace requires (the way out);
 * - a permission of common/rbac, judged from the caller's roles and live grants with the desktop's
 *   evaluator. `scope` is the least scope that will do (default: any but 'none'); `targetUser`
 *   names the route parameter of a user the route acts on, who must be within the caller's scope
 *   over `users` ('all' anyone, 'team' the teams they manage with their sub-teams, 'own' themself).
 */
export type PermissionAccess =
  | { object: RbacObject; action: RbacAction; scope?: 'team' | 'all'; targetUser?: undefined }
  | { object: 'users'; action: RbacAction; scope?: 'team' | 'all'; targetUser: string };
export type RouteAccess = 'public' | 'session' | 'session-2fa-setup' | PermissionAccess;

/**
 * Every route of the server, "METHOD /url" as registered. A route missing here fails the server's
 * start (the onRoute hook throws), so nothing is reachable by omission.
 *
 * Users, teams, roles, sessions and grants are administered under `users`: view to read the
 * directory, edit to change who holds what. Changes that reshape the whole workspace (roles, whose
 * definition reaches every holder; team membership, which decides what a 'team' scope reaches; new
 * accounts) need scope 'all'; assigning a role or ending a session acts on one user and needs that
 * user within the caller's scope. Workspace settings (2FA requirement, IP allowlist, grant maximum)
 * are `settings` at scope 'all': 'own' is a user's own desktop settings.
 */
export const ROUTE_ACCESS = {
  'GET /api/health': 'public',
  // The admin web UI's files: its pages call the API, which decides what each user may see or do.
  'GET /admin': 'public',
  'GET /admin/*': 'public',
  // Links printed before the admin UI existed redirect to its set-up page.
  'GET /setup': 'public',
  'GET /api/workspace': 'public',
  'POST /api/auth/bootstrap': 'public',
  'POST /api/auth/login': 'public',
  'POST /api/auth/second-factor': 'public',
  // Ends whatever session the request carries; a dead token just gets "signed out".
  'POST /api/auth/logout': 'public',
  'GET /api/auth/session': 'session-2fa-setup',
  // Single sign-on: the way in, so public; the IdP's answer and the desktop's one-time code carry
  // their own proofs (state bound to the browser, PKCE).
  'GET /api/auth/sso/status': 'public',
  'GET /api/auth/sso/start': 'public',
  'GET /api/auth/sso/callback': 'public',
  'POST /api/auth/sso/exchange': 'public',
  // The IdP calls it; the logout token's signature vouches for it (server/sso/backchannel-logout.ts).
  'POST /api/auth/sso/backchannel-logout': 'public',
  'POST /api/auth/totp/setup': 'session-2fa-setup',
  'POST /api/auth/totp/confirm': 'session-2fa-setup',
  'POST /api/auth/totp/disable': 'session-2fa-setup',

  // One's own password, with the current one (under the login throttle). Not reachable before the
  // 2FA the workspace requires: a password alone must not get past that.
  'POST /api/auth/password': 'session',
  // The step after a sign-in with a temporary password (an administrator's reset): no session yet,
  // the challenge that sign-in got is the proof.
  'POST /api/auth/new-password': 'public',

  'GET /api/policy': 'session',
  // Each user uploads their own desktop's events; the actor is the session's user.
  'POST /api/audit/events': 'session',

  'GET /api/admin/roles': { object: 'users', action: 'view' },
  'POST /api/admin/roles': { object: 'users', action: 'edit', scope: 'all' },
  'PUT /api/admin/roles/:id': { object: 'users', action: 'edit', scope: 'all' },
  'DELETE /api/admin/roles/:id': { object: 'users', action: 'edit', scope: 'all' },
  'PUT /api/admin/users/:userId/roles/:roleId': { object: 'users', action: 'edit', targetUser: 'userId' },
  'DELETE /api/admin/users/:userId/roles/:roleId': { object: 'users', action: 'edit', targetUser: 'userId' },
  // The list shows only the users within the caller's scope.
  'GET /api/admin/users': { object: 'users', action: 'view' },
  'POST /api/admin/users': { object: 'users', action: 'create', scope: 'all' },
  // Disabling an account ends all its sessions and locks its owner out: workspace-wide power.
  'PUT /api/admin/users/:userId/status': { object: 'users', action: 'edit', scope: 'all', targetUser: 'userId' },
  'GET /api/admin/users/:userId/sessions': { object: 'users', action: 'view', targetUser: 'userId' },
  // Account recovery acts on one user in reach, like a role assignment; the handler also refuses a
  // target holding more than the caller's roles give (server/rbac/not-above.ts) and one's own account.
  'PUT /api/admin/users/:userId/password': { object: 'users', action: 'edit', targetUser: 'userId' },
  'DELETE /api/admin/users/:userId/second-factor': { object: 'users', action: 'edit', targetUser: 'userId' },
  // Single sign-on identities linked to a user: seen like their sessions; unlinking one is judged like
  // a reset (the next sign-in through the IdP may be someone else: server/sso/linked-identities.ts).
  'GET /api/admin/users/:userId/identities': { object: 'users', action: 'view', targetUser: 'userId' },
  'DELETE /api/admin/users/:userId/identities/:identityId': {
    object: 'users',
    action: 'edit',
    targetUser: 'userId',
  },
  // The list shows only the teams within the caller's scope.
  'GET /api/admin/teams': { object: 'users', action: 'view' },
  'POST /api/admin/teams': { object: 'users', action: 'edit', scope: 'all' },
  // Renaming is harmless, but moving or deleting a team changes what its managers' 'team' reaches.
  'PUT /api/admin/teams/:teamId': { object: 'users', action: 'edit', scope: 'all' },
  'DELETE /api/admin/teams/:teamId': { object: 'users', action: 'edit', scope: 'all' },
  'PUT /api/admin/teams/:teamId/members/:userId': { object: 'users', action: 'edit', scope: 'all' },
  'DELETE /api/admin/teams/:teamId/members/:userId': { object: 'users', action: 'edit', scope: 'all' },
  // The session's user must be within the caller's scope (checked by the handler, which finds them).
  'DELETE /api/admin/sessions/:id': { object: 'users', action: 'edit' },
  'GET /api/admin/settings': { object: 'settings', action: 'view', scope: 'all' },
  'PUT /api/admin/settings': { object: 'settings', action: 'edit', scope: 'all' },
  // Who may sign in through which IdP is a workspace setting.
  'GET /api/admin/sso': { object: 'settings', action: 'view', scope: 'all' },
  'PUT /api/admin/sso': { object: 'settings', action: 'edit', scope: 'all' },
  // The audit log records everyone's actions: workspace-wide reading, like the settings.
  'GET /api/admin/audit': { object: 'settings', action: 'view', scope: 'all' },
  'GET /api/admin/audit/actions': { object: 'settings', action: 'view', scope: 'all' },
  'GET /api/admin/audit/verify': { object: 'settings', action: 'view', scope: 'all' },

  // Asking for more is open to every signed-in user: lacking the permission is the point. Each sees
  // and cancels only their own requests.
  'POST /api/grants': 'session',
  'GET /api/grants/mine': 'session',
  'POST /api/grants/:id/cancel': 'session',
  // Approvers: users:edit over the requester (checked per grant), and the permission itself.
  'GET /api/grants/pending': { object: 'users', action: 'edit' },
  'GET /api/grants/active': { object: 'users', action: 'edit' },
  'GET /api/grants/history': { object: 'users', action: 'edit' },
  'POST /api/grants/:id/approve': { object: 'users', action: 'edit' },
  'POST /api/grants/:id/deny': { object: 'users', action: 'edit' },
  'POST /api/grants/:id/revoke': { object: 'users', action: 'edit' },
} as const satisfies Record<string, RouteAccess>;

const TABLE: Readonly<Record<string, RouteAccess>> = ROUTE_ACCESS;

/** The declaration of a route; HEAD (which Fastify adds for every GET) follows its GET. */
export function accessOf(method: string, url: string): RouteAccess | undefined {
  return TABLE[`${method} ${url}`] ?? (method === 'HEAD' ? TABLE[`GET ${url}`] : undefined);
}
