import type { AppErrorShape } from '../../../common/errors.js';

/** Field name (the issue path joined with '.') -> first message for that field. */
export type FieldErrors = Readonly<Record<string, string>>;

type Issue = { path: string[]; message: string };

function isIssue(value: unknown): value is Issue {
  if (typeof value !== 'object' || value === null) return false;
  const { path, message } = value as { path?: unknown; message?: unknown };
  return Array.isArray(path) && path.every((part) => typeof part === 'string') && typeof message === 'string';
}

/**
 * The dispatcher sends VALIDATION failures with details.issues [{ path, message }]; anything
 * else (or a malformed details object) yields no field errors, so callers fall back to
 * error.message.
 */
export function fieldErrors(error: AppErrorShape): FieldErrors {
  if (error.code !== 'VALIDATION') return {};
  const details = error.details as { issues?: unknown } | undefined;
  const issues = Array.isArray(details?.issues) ? details.issues.filter(isIssue) : [];
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.join('.');
    out[key] ??= issue.message;
  }
  return out;
}
