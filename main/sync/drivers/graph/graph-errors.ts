import { AppError, ErrorCode } from '../../../../common/errors.js';

/** The fields of the graph client's GraphError the mapping reads (statusCode -1: no response). */
type GraphFailure = Error & {
  statusCode?: number;
  code?: string | null;
  body?: unknown;
  headers?: Headers;
};

/** Error code of the synthetic response the middleware returns when the token source fails. */
export const TOKEN_SOURCE_CODE = 'clientele.tokenSource.';

/**
 * Retry-After in milliseconds (RFC 9110 10.2.3: delay-seconds or an HTTP-date), or null.
 * https://learn.microsoft.com/en-us/graph/throttling#best-practices-to-handle-throttling
 */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * Maps a graph client failure (GraphError: status and Graph error code from
 * https://learn.microsoft.com/en-us/graph/errors) to the shared sync codes.
 */
export function mapGraphError(error: unknown, what = 'Microsoft 365'): AppError {
  if (error instanceof AppError) return error;
  const failure = (error ?? {}) as GraphFailure;
  const status = failure.statusCode ?? -1;
  const code = failure.code ?? '';
  const details = { status, code, message: failure.message };
  if (code.startsWith(TOKEN_SOURCE_CODE)) {
    const parsed = ErrorCode.safeParse(code.slice(TOKEN_SOURCE_CODE.length));
    return new AppError(parsed.success ? parsed.data : 'TEMPORARY', failure.message, { details, cause: error });
  }
  if (status === 401) {
    return new AppError('AUTH', `${what} refused Clientele's sign-in; reconnect the account.`, {
      details,
      cause: error,
    });
  }
  if (status === 403) {
    return new AppError(
      'PERMISSION',
      `${what} does not allow Clientele to read this mailbox (${code || 'forbidden'}).`,
      {
        details,
        cause: error,
      },
    );
  }
  if (status === 404) return new AppError('NOT_FOUND', `The item is no longer in ${what}.`, { details, cause: error });
  if (status === 410) {
    return new AppError('CURSOR_EXPIRED', `${what} forgot where the last sync stopped; it starts over.`, {
      details,
      cause: error,
    });
  }
  if (status === 429 || status === 503) {
    const after = retryAfterMs(failure.headers?.get('retry-after'));
    return new AppError('RATE_LIMIT', `${what} asked Clientele to slow down.`, {
      details,
      cause: error,
      retryAfterMs: Math.round(after ?? 60_000),
    });
  }
  if (status >= 500 || status <= 0) {
    return new AppError('TEMPORARY', `Cannot reach ${what} right now; Clientele will retry.`, {
      details,
      cause: error,
    });
  }
  return new AppError('TEMPORARY', `${what} answered unexpectedly (${status} ${code || failure.message}).`, {
    details,
    cause: error,
  });
}
