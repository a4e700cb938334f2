import { z } from 'zod';

/**
 * Every failure that crosses a process boundary carries one of these codes.
 * Messages are written for the user; `details` are for the log.
 */
export const ErrorCode = z.enum([
  'VALIDATION',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'NOT_FOUND',
  'CONFLICT',
  'AUTH',
  /** The password was right; the account also needs its second factor (a TOTP or recovery code). */
  'SECOND_FACTOR_REQUIRED',
  /** The password was a temporary one an administrator set: its owner must choose their own first. */
  'PASSWORD_CHANGE_REQUIRED',
  'TEMPORARY',
  'RATE_LIMIT',
  'CURSOR_EXPIRED',
  'PERMISSION',
  'KEYCHAIN_UNAVAILABLE',
  'KEYCHAIN_LOCKED',
  'STORE_KEY_MISMATCH',
  'STORE_KEY_MISSING',
  'RECOVERY_KEY_INVALID',
  'PROFILE_NOT_FOUND',
  'PROFILE_EXISTS',
  'PROFILE_LOCKED',
  'POLICY_EXPIRED',
  /** Team server: no server secret key was given (or its key file is missing or malformed). */
  'SERVER_KEY_MISSING',
  /** Team server: the secrets in the database are sealed with another server key than the one given. */
  'SERVER_KEY_MISMATCH',
  /** Team server: a sealed value does not open (tampered, truncated, or moved to another row or column). */
  'SEALED_VALUE_INVALID',
  /** More data than a call may return (e.g. an attachment over the download limit). */
  'TOO_LARGE',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const AppErrorShape = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.unknown().optional(),
  retryAfterMs: z.number().int().nonnegative().optional(),
});
export type AppErrorShape = z.infer<typeof AppErrorShape>;

/** A thrown error that already knows its shared code. Services throw it; transports serialise it. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  readonly retryAfterMs?: number;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { details?: unknown; cause?: unknown; retryAfterMs?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options?.details;
    this.retryAfterMs = options?.retryAfterMs;
  }

  toShape(): AppErrorShape {
    const shape: AppErrorShape = { code: this.code, message: this.message };
    if (this.details !== undefined) shape.details = this.details;
    if (this.retryAfterMs !== undefined) shape.retryAfterMs = this.retryAfterMs;
    return shape;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
