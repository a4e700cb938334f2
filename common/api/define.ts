import type { z } from 'zod';
import type { Permission } from '../rbac/permissions.js';

/**
 * 'public' must be written out: a call is never public by omission.
 * `needsStore` public calls still require an unlocked profile; other public calls
 * (onboarding, unlock, recovery) run before one exists.
 */
export type CallPermission = 'public' | Permission;

export type CallSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> = {
  readonly input: I;
  readonly output: O;
  readonly permission: CallPermission;
  readonly summary: string;
};

export type Contract = Record<string, CallSpec>;

/** Helper that keeps each entry's exact zod types while checking its shape. */
export function call<I extends z.ZodType, O extends z.ZodType>(spec: CallSpec<I, O>): CallSpec<I, O> {
  return spec;
}
