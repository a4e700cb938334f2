import type { z } from 'zod';
import { contract, isCallName } from '../../../common/api/contract.js';
import { AppError, isAppError, type AppErrorShape } from '../../../common/errors.js';
import { isAllowed } from '../../../common/rbac/evaluate.js';
import type { Policy } from '../../../common/rbac/permissions.js';
import type { Result } from '../../../common/result.js';
import type { Logger } from '../../util/logger.js';
import type { Caller, Handlers } from './handlers.js';

export type PolicySource = {
  /** The policy in force, or throws (PROFILE_LOCKED, POLICY_EXPIRED) when none can be applied. */
  current(): Policy;
};

/**
 * Every call goes through here, whatever the transport: validate the input with the contract's
 * zod schema, authorize with RBAC, run the service, and shape the output through the contract
 * (which also strips any field the contract does not declare).
 */
export class Dispatcher {
  constructor(
    private readonly handlers: Handlers,
    private readonly policies: PolicySource,
    private readonly log: Logger,
  ) {}

  async dispatch(caller: Caller, method: string, rawInput: unknown): Promise<Result<unknown>> {
    if (!isCallName(method)) {
      return { ok: false, error: { code: 'NOT_FOUND', message: `Unknown call "${method}".` } };
    }
    const spec = contract[method];
    const parsed = spec.input.safeParse(rawInput ?? {});
    if (!parsed.success) return { ok: false, error: validationError(parsed.error) };

    try {
      if (spec.permission !== 'public') {
        const policy = this.policies.current();
        if (!isAllowed(policy, spec.permission)) {
          throw new AppError(
            'FORBIDDEN',
            `Your role does not allow this (${spec.permission.action} ${spec.permission.object}).`,
          );
        }
      }
      const handler = this.handlers[method] as (input: unknown, context: { caller: Caller }) => Promise<unknown>;
      const value = await handler(parsed.data, { caller });
      return { ok: true, value: (spec.output as z.ZodType).parse(value) };
    } catch (error) {
      return { ok: false, error: this.toShape(error, method) };
    }
  }

  private toShape(error: unknown, method: string): AppErrorShape {
    if (isAppError(error)) {
      this.log.debug({ method, code: error.code, details: error.details }, 'call failed');
      const shape = error.toShape();
      // details are for the log; only validation issues go back to the caller.
      if (error.code !== 'VALIDATION') delete shape.details;
      return shape;
    }
    this.log.error({ method, err: error }, 'call failed unexpectedly');
    return { code: 'INTERNAL', message: 'Something went wrong inside Clientele. The details are in the log.' };
  }
}

function validationError(error: z.ZodError): AppErrorShape {
  const issues = error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message }));
  const first = issues[0];
  const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
  return {
    code: 'VALIDATION',
    message: `${where}${first?.message ?? 'Invalid input'}`,
    details: { issues },
  };
}
