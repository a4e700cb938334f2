import type { OAuthProvider } from '../../../common/domain/mail.js';
import type { Identify } from './identify.js';
import type { OpenBrowser } from './loopback-flow.js';
import { resolveProviderConfig, type OAuthProviderConfig, type OAuthProviderOverrides } from './providers.js';

/**
 * The core's OAuth options. Endpoints and clients resolve as: built-in defaults, then the
 * environment (CLIENTELE_GMAIL_CLIENT_ID, ...), then `providers` here (tests, embedders).
 */
export type OAuthOptions = {
  providers?: Partial<Record<OAuthProvider, OAuthProviderOverrides>>;
  /** Who signed in, per provider (default: Gmail users.getProfile, Graph /me; see identify.ts). */
  identify?: Partial<Record<OAuthProvider, Identify>>;
  /** The system browser opener (desktop app); without one the caller opens the URL itself. */
  openBrowser?: OpenBrowser;
  /** How long a started flow waits for the browser (default 5 minutes). */
  flowTimeoutMs?: number;
  /** Tests only: another environment than process.env. */
  env?: NodeJS.ProcessEnv;
};

/** The provider's configuration under these options (VALIDATION when no client id is configured). */
export function providerConfig(provider: OAuthProvider, options: OAuthOptions = {}): OAuthProviderConfig {
  return resolveProviderConfig(provider, options.providers?.[provider], options.env ?? process.env);
}
