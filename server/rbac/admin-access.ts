import type { AdminAccess } from '../../common/api/server-admin-accounts.js';
import type { RbacAction, RbacObject, Scope } from '../../common/rbac/permissions.js';
import { effectiveScope, type CallerRights } from './caller-rights.js';

/**
 * The caller's scope for each permission the admin routes are declared with, judged as the access
 * hook judges a request (roles and live grants, server/http/authorize.ts), so the pages offer what
 * the routes would allow.
 */
export function adminAccessOf(rights: CallerRights): AdminAccess {
  const scope = (object: RbacObject, action: RbacAction): Scope => effectiveScope(rights, { object, action });
  return {
    users: { view: scope('users', 'view'), create: scope('users', 'create'), edit: scope('users', 'edit') },
    settings: { view: scope('settings', 'view'), edit: scope('settings', 'edit') },
  };
}
