import type { z } from 'zod';
import type { ApiContract, CallName, CallOutput } from '../../../common/api/contract.js';

/** Who is calling, as established by the transport that already checked it. */
export type Caller = { transport: 'ipc' | 'http' | 'cli' | 'in-process' };

export type HandlerContext = { caller: Caller };

/** One handler per contract entry, receiving input already validated by the entry's schema. */
export type Handlers = {
  [N in CallName]: (input: z.output<ApiContract[N]['input']>, context: HandlerContext) => Promise<CallOutput<N>>;
};
