import type { z } from 'zod';
import type { ApiContract, CallName, CallOutput } from '../../../common/api/contract.js';
import type { Policy } from '../../../common/rbac/permissions.js';

/** Who is calling, as established by the transport that already checked it. */
export type Caller = { transport: 'ipc' | 'http' | 'cli' | 'in-process' };

export type HandlerContext = {
  caller: Caller;
  /**
   * The policy the call was authorized with (null for a public call), for services whose work itself
   * depends on it, e.g. a search that may only match what the user may read. Output filtering stays
   * in the dispatcher.
   */
  policy: Policy | null;
};

/** One handler per contract entry, receiving input already validated by the entry's schema. */
export type Handlers = {
  [N in CallName]: (input: z.output<ApiContract[N]['input']>, context: HandlerContext) => Promise<CallOutput<N>>;
};
