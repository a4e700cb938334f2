import { AppError } from '../../../../common/errors.js';
import { NETWORK_ERROR_CODES } from '../../network-errors.js';

type ImapFailure = Error & {
  code?: string;
  authenticationFailed?: boolean;
  tlsFailed?: boolean;
  mailboxMissing?: boolean;
  throttleReset?: number;
  serverResponseCode?: string;
  responseText?: string;
};

/** Network failures, and imapflow's own codes for a connection that failed or went away. */
const NETWORK_CODES = new Set([
  ...NETWORK_ERROR_CODES,
  'NoConnection',
  'EConnectionClosed',
  'CONNECT_TIMEOUT',
  'GREETING_TIMEOUT',
  'UPGRADE_TIMEOUT',
  'ETIMEOUT',
  'ClosedAfterConnectText',
  'ClosedAfterConnectTLS',
  'StateLogout',
]);
const CERT_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT_ALTNAME_INVALID|DEPTH_ZERO/;

/** Maps imapflow and socket failures to the shared sync codes, with a message for the user. */
export function mapImapError(error: unknown, host: string): AppError {
  if (error instanceof AppError) return error;
  const failure = (error ?? {}) as ImapFailure;
  const code = failure.code ?? '';
  const details = { code, message: failure.message, response: failure.responseText };
  if (failure.authenticationFailed || failure.serverResponseCode === 'AUTHENTICATIONFAILED') {
    return new AppError('AUTH', `${host} refused the user name or password.`, { details, cause: error });
  }
  if (CERT_CODES.test(code) || failure.tlsFailed) {
    return new AppError(
      'PERMISSION',
      `The certificate of ${host} is not trusted (${code || 'TLS failure'}). Check the server name, or add the server's certificate.`,
      { details, cause: error },
    );
  }
  if (code === 'ETHROTTLE' || failure.serverResponseCode === 'LIMIT') {
    return new AppError('RATE_LIMIT', `${host} asked Clientele to slow down.`, {
      details,
      cause: error,
      retryAfterMs: failure.throttleReset ?? 60_000,
    });
  }
  if (failure.mailboxMissing || code === 'NotFound' || failure.serverResponseCode === 'NONEXISTENT') {
    return new AppError('NOT_FOUND', `A folder on ${host} no longer exists.`, { details, cause: error });
  }
  if (NETWORK_CODES.has(code) || /socket|connection|closed|timed? ?out/i.test(failure.message ?? '')) {
    return new AppError('TEMPORARY', `Cannot reach ${host} right now; Clientele will retry.`, {
      details,
      cause: error,
    });
  }
  return new AppError('TEMPORARY', `${host} answered unexpectedly (${failure.message ?? 'unknown error'}).`, {
    details,
    cause: error,
  });
}
