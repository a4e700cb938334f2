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
  /**
   * A sensitive view: every successful call of an enrolled profile is reported to the team server's
   * audit log (as exports are), naming what was viewed. For reads of what a CRM guards most (the
   * content of a customer's mail), not for every list.
   */
  readonly sensitiveView?: { readonly target: (input: z.output<I>) => string };
};

export type Contract = Record<string, CallSpec>;

/** Helper that keeps each entry's exact zod types while checking its shape. */
export function call<I extends z.ZodType, O extends z.ZodType>(spec: CallSpec<I, O>): CallSpec<I, O> {
  return spec;
}
