import { z } from 'zod';

export const RbacObject = z.enum([
  'contact',
  'company',
  'deal',
  'email',
  'note',
  'task',
  'report',
  'settings',
  'users',
]);
export type RbacObject = z.infer<typeof RbacObject>;

export const RbacAction = z.enum(['view', 'create', 'edit', 'delete', 'communicate', 'export']);
export type RbacAction = z.infer<typeof RbacAction>;

/** Ordered from narrowest to widest: the widest grant wins when roles combine. */
export const Scope = z.enum(['none', 'own', 'team', 'all']);
export type Scope = z.infer<typeof Scope>;

export const SCOPE_RANK: Record<Scope, number> = { none: 0, own: 1, team: 2, all: 3 };

export type Permission = { object: RbacObject; action: RbacAction };

/** object -> action -> scope. Anything missing is 'none': deny by default. */
export const PermissionTable = z.partialRecord(RbacObject, z.partialRecord(RbacAction, Scope));
export type PermissionTable = z.infer<typeof PermissionTable>;

export const Policy = z.object({
  /** 'local' for a profile that is not enrolled with a team server. */
  source: z.enum(['local', 'server']),
  userId: z.string(),
  permissions: PermissionTable,
});
export type Policy = z.infer<typeof Policy>;

/** A solo profile (no team server) owns everything it stores. */
export function localOwnerPolicy(userId: string): Policy {
  const all = Object.fromEntries(RbacAction.options.map((action) => [action, 'all' as const]));
  return {
    source: 'local',
    userId,
    permissions: Object.fromEntries(RbacObject.options.map((object) => [object, all])),
  };
}
