// oidc-provider ships no type declarations: only what test/harness/oidc-provider.ts uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type Claims = Record<string, unknown> & { sub: string };
  export type Account = { accountId: string; claims: (use: string, scope: string) => Promise<Claims> | Claims };

  export default class Provider {
    constructor(issuer: string, configuration?: Record<string, unknown>);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    /** An EventEmitter: 'backchannel.success' and 'backchannel.error' among its events. */
    on(event: string, listener: (...args: never[]) => void): this;
  }
}
