import type { z } from 'zod';
import { contract, isCallName } from '../../../common/api/contract.js';
import type { CallSpec } from '../../../common/api/define.js';
import { AppError, isAppError, type AppErrorShape } from '../../../common/errors.js';
import { denialMessage, isAllowed } from '../../../common/rbac/evaluate.js';
import type { Policy } from '../../../common/rbac/permissions.js';
import type { Result } from '../../../common/result.js';
import type { Logger } from '../../util/logger.js';
import { filterOutput, OUTPUT_FILTERS, type OutputFilters } from '../../rbac/output-filters.js';
import type { Caller, HandlerContext, Handlers } from './handlers.js';

export type PolicySource = {
  /** The policy in force, or throws (PROFILE_LOCKED, POLICY_EXPIRED) when none can be applied. */
  current(): Policy;
  /** The source's clock (ms since the epoch) for time-boxed grants; Date.now when absent. */
  now?(): number;
};

/** A refused call, for the team server's audit log (queued in the store by the core). */
export type ForbiddenEvent = { call: string; transport: Caller['transport']; message: string };

/**
 * A completed call the team server's audit log must learn of, queued by the core: an export (data
 * leaving the app, with its row count) or a sensitive view (what was read, named by the contract).
 */
export type AuditedCallEvent =
  | { kind: 'export'; call: string; transport: Caller['transport']; rows?: number }
  | { kind: 'view'; call: string; transport: Caller['transport']; target: string };

/** Actions whose every successful call is audited: data leaving the app. */
const AUDITED_ACTIONS: ReadonlySet<string> = new Set(['export']);

export type DispatcherOptions = {
  /** Told of every FORBIDDEN result; must not throw. */
  onForbidden?: (event: ForbiddenEvent) => void;
  /** Told of every successful export and sensitive view; must not throw. */
  onAudited?: (event: AuditedCallEvent) => void;
  /** Field rules and email visibility per call; main/rbac/output-filters.ts by default. */
  filters?: OutputFilters;
};

/**
 * Every call goes through here, whatever the transport: authorize with RBAC (the call's declared
 * permission, before even looking at the input, so a refused caller learns nothing from validation),
 * validate the input with the contract's zod schema, run the service, shape the output through the
 * contract (which also strips any field the contract does not declare), then apply the policy's field
 * rules and email visibility (output-filters.ts).
 */
export class Dispatcher {
  constructor(
    private readonly handlers: Handlers,
    private readonly policies: PolicySource,
    private readonly log: Logger,
    private readonly options: DispatcherOptions = {},
  ) {}

  async dispatch(caller: Caller, method: string, rawInput: unknown): Promise<Result<unknown>> {
    if (!isCallName(method)) {
      return { ok: false, error: { code: 'NOT_FOUND', message: `Unknown call "${method}".` } };
    }
    const spec = contract[method];
    try {
      let policy: Policy | null = null;
      if (spec.permission !== 'public') {
        policy = this.policies.current();
        if (!isAllowed(policy, spec.permission, this.policies.now?.())) {
          throw new AppError('FORBIDDEN', denialMessage(policy, spec.permission));
        }
      }
      const parsed = spec.input.safeParse(rawInput ?? {});
      if (!parsed.success) return { ok: false, error: validationError(parsed.error) };
      const handler = this.handlers[method] as (input: unknown, context: HandlerContext) => Promise<unknown>;
      const value = (spec.output as z.ZodType).parse(await handler(parsed.data, { caller, policy }));
      // Filtered before anything is audited: a filter may still refuse (an attachment below full
      // email visibility), and a refused call is a refusal, not an export or a view.
      const shown = policy ? filterOutput(this.options.filters ?? OUTPUT_FILTERS, method, value, policy) : value;
      if (spec.permission !== 'public' && AUDITED_ACTIONS.has(spec.permission.action)) {
        const rows = (value as { rows?: unknown } | null)?.rows;
        this.audited({
          kind: 'export',
          call: method,
          transport: caller.transport,
          ...(typeof rows === 'number' ? { rows } : {}),
        });
      }
      const view = (spec as CallSpec).sensitiveView;
      if (view)
        this.audited({ kind: 'view', call: method, transport: caller.transport, target: view.target(parsed.data) });
      return { ok: true, value: shown };
    } catch (error) {
      const shape = this.toShape(error, method);
      if (shape.code === 'FORBIDDEN')
        this.forbidden({ call: method, transport: caller.transport, message: shape.message });
      return { ok: false, error: shape };
    }
  }

  private audited(event: AuditedCallEvent): void {
    try {
      this.options.onAudited?.(event);
    } catch (error) {
      // The call already happened; failing to queue its record must not hide the result.
      this.log.warn({ err: error, call: event.call }, 'could not queue the audit event of a call');
    }
  }

  private forbidden(event: ForbiddenEvent): void {
    try {
      this.options.onForbidden?.(event);
    } catch (error) {
      // Auditing must never turn a clean refusal into a crash; the refusal itself stands.
      this.log.warn({ err: error, call: event.call }, 'could not queue the audit event of a refused call');
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
