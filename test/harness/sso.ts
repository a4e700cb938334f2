import type { BrowserContext, Page } from 'playwright-core';
import type { SsoConfigInput, SsoConfigView } from '../../common/api/server-sso.js';
import type { DatabaseTarget } from '../../server/db/database.js';
import { openDatabase, type OpenDatabase } from '../../server/db/database.js';
import { startServer, type RunningServer } from '../../server/start.js';
import { startTestIdp, type IdpAccount, type TestIdp } from './oidc-provider.js';
import { bootstrapAdmin, serverApi } from './team-desktop.js';
import { TEST_SECRET_KEY } from './team-server.js';

/**
 * The server's clock: real time plus what the test moved it by. The IdP stamps its tokens with real
 * time, so a clock frozen at the start would drift out of the ID token's tolerance in a long test.
 */
export class OffsetClock {
  private offset = 0;
  now = (): number => Date.now() + this.offset;
  advance(ms: number): void {
    this.offset += ms;
  }
}

export const SSO_ADMIN = { email: 'admin@example.com', password: 'a long passphrase nobody guesses' };

export type SsoWorld = {
  server: RunningServer;
  idp: TestIdp;
  clock: OffsetClock;
  /** The first admin's session token. */
  admin: string;
  /** A connection of the test's own to the server's database (to disable a user, read the log). */
  database: OpenDatabase;
  /** PUT /api/admin/sso as the admin. */
  configure(input: SsoConfigInput): Promise<SsoConfigView>;
  close(): Promise<void>;
};

/**
 * A real team server on 127.0.0.1 (its clock near real time: the IdP's tokens carry real times), a real
 * OpenID provider registered with the server's callback, the first admin, and SSO configured and on
 * for example.com unless `config` says otherwise.
 */
export async function startSsoWorld(
  target: DatabaseTarget,
  options: {
    accounts?: Record<string, IdpAccount>;
    config?: SsoConfigInput;
    claimsInIdToken?: boolean;
    idpHost?: '127.0.0.1' | 'localhost';
  } = {},
): Promise<SsoWorld> {
  const clock = new OffsetClock();
  // PostgreSQL refuses to start without a server secret key (several instances must share it).
  const secretKey = { kind: 'text', text: TEST_SECRET_KEY, origin: 'the test key' } as const;
  const server = await startServer({ database: target, host: '127.0.0.1', port: 0, clock, secretKey });
  const idp = await startTestIdp({
    redirectUris: [`${server.url}/api/auth/sso/callback`],
    postLogoutRedirectUris: [`${server.url}/admin/`],
    backchannelLogoutUri: `${server.url}/api/auth/sso/backchannel-logout`,
    accounts: options.accounts ?? {},
    ...(options.claimsInIdToken === undefined ? {} : { claimsInIdToken: options.claimsInIdToken }),
    ...(options.idpHost ? { host: options.idpHost } : {}),
  });
  const database = openDatabase(target);
  const admin = await bootstrapAdmin(server, SSO_ADMIN);
  const configure = (input: SsoConfigInput): Promise<SsoConfigView> =>
    serverApi<SsoConfigView>(server, 'PUT', '/api/admin/sso', admin, input);
  await configure({
    enabled: true,
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    allowedEmailDomains: ['example.com'],
    ...options.config,
  });
  return {
    server,
    idp,
    clock,
    admin,
    database,
    configure,
    close: async () => {
      await database.close();
      await server.close();
      await idp.close();
    },
  };
}

/** oidc-provider's development login and consent pages, as a person fills them in a browser tab. */
export async function signInAtIdp(tab: Page, login: string): Promise<void> {
  await tab.locator('input[name="login"]').fill(login);
  await tab.locator('input[name="password"]').fill('any password');
  await tab.locator('button[type="submit"]').click();
  await tab.locator('input[name="prompt"][value="consent"]').waitFor({ state: 'attached' });
  await tab.locator('button[type="submit"]').click();
}

/**
 * oidc-provider's development pages @import a Google Fonts stylesheet, which this closed network can't
 * resolve (a console error on the IdP's page, not the app's). Answered with an empty stylesheet in
 * this browser context, so a test can still expect no errors at all across the whole sign-in.
 */
export async function serveIdpFontsOffline(context: BrowserContext): Promise<void> {
  await context.route('https://fonts.googleapis.com/**', (route) =>
    route.fulfill({ status: 200, contentType: 'text/css', body: '' }),
  );
}
