/**
 * A value now, or later. The per-request path (session read, rights, the policy route) is synchronous
 * whenever nothing has to wait (SQLite's read, a memoized compile, a fresh copy); every `await` and
 * every async function there cost a promise and a trip through the microtask queue per request.
 */
export type MaybePromise<T> = T | Promise<T>;

/** `next(value)`, at once when the value is there, else when it arrives; a throw stays synchronous. */
export function after<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
