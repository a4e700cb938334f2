import { AppError } from '../../../../common/errors.js';
import { NETWORK_ERROR_CODES } from '../../network-errors.js';

/** What a failed call told us, from a thrown GaxiosError or a batch part's answer. */
export type HttpFailure = {
  /** HTTP status, or null for a failure before any answer (network). */
  status: number | null;
  /** Google's `error.errors[0].reason` (rateLimitExceeded, insufficientPermissions, notFound...). */
  reason: string | null;
  message: string;
  /** From Retry-After (seconds or an HTTP date). */
  retryAfterMs: number | null;
  /** Node's error code for network failures (ECONNREFUSED...). */
  code: string | null;
};

/** Gmail answers 403 (not only 429) when a rate limit is hit (https://developers.google.com/gmail/api/guides/handle-errors). */
const RATE_REASONS = new Set([
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'quotaExceeded',
  'concurrentLimitExceeded',
]);

type ResponseLike = { status?: number; headers?: unknown; data?: unknown };

/** Reads a GaxiosError (or any thrown value) into an HttpFailure. */
export function failureOf(error: unknown): HttpFailure {
  const failure = (error ?? {}) as {
    status?: number;
    code?: unknown;
    message?: string;
    response?: ResponseLike;
    cause?: unknown;
  };
  const response = failure.response;
  const status = response?.status ?? (typeof failure.status === 'number' ? failure.status : null);
  const cause = failure.cause as { code?: unknown } | undefined;
  const code = [failure.code, cause?.code].find(
    (value): value is string => typeof value === 'string' && !/^\d+$/.test(value),
  );
  const body = typeof response?.data === 'string' ? safeJson(response.data) : response?.data;
  return {
    status: status ?? null,
    reason: reasonOf(body),
    message: messageOf(body) ?? failure.message ?? 'unknown error',
    retryAfterMs: parseRetryAfter(headerOf(response?.headers, 'retry-after')),
    code: code ?? null,
  };
}

/** An HttpFailure from one answer of a batch. */
export function failureOfAnswer(status: number, headers: Record<string, string>, body: string): HttpFailure {
  const parsed = safeJson(body);
  return {
    status,
    reason: reasonOf(parsed),
    message: messageOf(parsed) ?? `HTTP ${status}`,
    retryAfterMs: parseRetryAfter(headers['retry-after']),
    code: null,
  };
}

/** Worth retrying after a pause: rate limits, 5xx, network failures. */
export function isRetryable(failure: HttpFailure): boolean {
  if (failure.status === null) return failure.code === null || NETWORK_ERROR_CODES.has(failure.code);
  if (failure.status === 429 || failure.status >= 500) return true;
  return failure.status === 403 && failure.reason !== null && RATE_REASONS.has(failure.reason);
}

export function isRateLimit(failure: HttpFailure): boolean {
  return failure.status === 429 || (failure.reason !== null && RATE_REASONS.has(failure.reason));
}

/** The shared code for a failure, with a message for the user. */
export function toAppError(failure: HttpFailure, cause?: unknown, retryAfterMs?: number): AppError {
  const details = { status: failure.status, reason: failure.reason, message: failure.message, code: failure.code };
  const options = { details, cause };
  if (failure.status === 401) {
    return new AppError(
      'AUTH',
      'Google no longer accepts Clientele’s access to this mailbox; reconnect the account.',
      options,
    );
  }
  if (isRateLimit(failure)) {
    return new AppError('RATE_LIMIT', 'Gmail asked Clientele to slow down; the sync resumes shortly.', {
      ...options,
      retryAfterMs: Math.round(retryAfterMs ?? failure.retryAfterMs ?? 60_000),
    });
  }
  if (failure.status === 403) {
    return new AppError(
      'PERMISSION',
      'Gmail refused: Clientele was not granted access to read this mailbox. Reconnect the account and allow mail access.',
      options,
    );
  }
  if (failure.status === 404) return new AppError('NOT_FOUND', 'The message or label is no longer in Gmail.', options);
  if (failure.status === null || failure.status >= 500) {
    return new AppError('TEMPORARY', 'Cannot reach Gmail right now; Clientele will retry.', {
      ...options,
      ...(retryAfterMs !== undefined ? { retryAfterMs: Math.round(retryAfterMs) } : {}),
    });
  }
  return new AppError('TEMPORARY', `Gmail answered unexpectedly (${failure.message}).`, options);
}

/** Maps anything thrown by a call to an AppError (an AppError passes through). */
export function mapGmailError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return toAppError(failureOf(error), error);
}

export function parseRetryAfter(value: string | null | undefined): number | null {
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

function headerOf(headers: unknown, name: string): string | null {
  if (!headers) return null;
  // gaxios hands out a fetch Headers (possibly another realm's or node-fetch's): duck-typed.
  const get = (headers as { get?: unknown }).get;
  if (typeof get === 'function') return (get as (key: string) => string | null).call(headers, name);
  const record = headers as Record<string, unknown>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return typeof value === 'string' ? value : null;
}

type GoogleErrorBody = { error?: { message?: string; errors?: { reason?: string }[]; status?: string } | string };

function reasonOf(body: unknown): string | null {
  const error = (body as GoogleErrorBody | undefined)?.error;
  if (!error || typeof error === 'string') return typeof error === 'string' ? error : null;
  return error.errors?.[0]?.reason ?? error.status ?? null;
}

function messageOf(body: unknown): string | null {
  const error = (body as GoogleErrorBody | undefined)?.error;
  if (!error) return null;
  return typeof error === 'string' ? error : (error.message ?? null);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
