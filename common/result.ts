import type { AppErrorShape } from './errors.js';

/** What every call returns: never a thrown error across a boundary. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorShape };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: AppErrorShape): Result<T> {
  return { ok: false, error };
}
