import { ImapFlow } from 'imapflow';
import type { ImapSecurity } from '../../../../common/domain/mail.js';
import { AppError } from '../../../../common/errors.js';
import type { Logger } from '../../../util/logger.js';
import type { AccessTokenSource } from '../../oauth/access-token.js';
import { mapImapError } from './imap-errors.js';

/**
 * How the account logs in: a password (AUTHENTICATE PLAIN / LOGIN), or OAuth 2.0 access tokens
 * (SASL XOAUTH2 or OAUTHBEARER, RFC 7628, whichever the server offers) from the account's grant.
 */
export type ImapCredentials = string | AccessTokenSource;

export type ImapAccountConfig = {
  host: string;
  port: number;
  security: ImapSecurity;
  user: string;
  /** Extra trusted CA / self-signed certificate for this server only. TLS is always verified. */
  caCertPem?: string;
};

export type ImapConnectionOptions = {
  /** Ask for QRESYNC (RFC 7162) when the server offers it; tests turn it off to exercise the fallbacks. */
  qresync?: boolean;
  /** Re-issue IDLE before the 29-minute limit of RFC 2177. */
  maxIdleTimeMs?: number;
  connectionTimeoutMs?: number;
};

/**
 * Opens one authenticated imapflow connection. Every client gets an 'error' listener: imapflow
 * emits socket errors as events, and an unhandled 'error' event would crash the core.
 */
export async function openImapConnection(
  config: ImapAccountConfig,
  credentials: ImapCredentials,
  log: Logger,
  options: ImapConnectionOptions = {},
): Promise<ImapFlow> {
  if (typeof credentials === 'string') return connect(config, { user: config.user, pass: credentials }, log, options);
  const auth = async () => ({ user: config.user, accessToken: await credentials.accessToken() });
  try {
    return await connect(config, await auth(), log, options);
  } catch (error) {
    // The server may refuse a token the source still thought valid (expired early, revoked):
    // one fresh token, then the refusal stands (AUTH: the user reconnects the account).
    if (!(error instanceof AppError) || error.code !== 'AUTH') throw error;
    credentials.invalidate();
    return connect(config, await auth(), log, options);
  }
}

async function connect(
  config: ImapAccountConfig,
  auth: { user: string; pass: string } | { user: string; accessToken: string },
  log: Logger,
  options: ImapConnectionOptions,
): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: config.host,
    port: config.port,
    secure: config.security === 'tls',
    doSTARTTLS: config.security === 'starttls' ? true : undefined,
    auth,
    tls: { rejectUnauthorized: true, ...(config.caCertPem ? { ca: config.caCertPem } : {}) },
    qresync: options.qresync ?? true,
    maxIdleTime: options.maxIdleTimeMs ?? 25 * 60 * 1000,
    connectionTimeout: options.connectionTimeoutMs ?? 30_000,
    logger: false,
    clientInfo: { name: 'Clientele' },
  });
  client.on('error', (error: unknown) => {
    log.warn({ host: config.host, code: (error as { code?: string }).code, err: error }, 'IMAP connection error');
  });
  try {
    await client.connect();
  } catch (error) {
    client.close();
    throw mapImapError(error, config.host);
  }
  return client;
}

/**
 * Logs out politely, but never waits more than `timeoutMs` for the server: after a sleep or a
 * network change the socket can be dead without knowing it, and LOGOUT would wait forever.
 */
export async function closeConnection(client: ImapFlow | null | undefined, timeoutMs = 2000): Promise<void> {
  if (!client) return;
  if (client.usable) {
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([client.logout().catch(() => undefined), gaveUp]);
    clearTimeout(timer);
  }
  client.close();
}
