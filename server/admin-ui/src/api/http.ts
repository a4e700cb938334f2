import type { AppErrorShape } from '../../../../common/errors.js';
import type { Result } from '../../../../common/result.js';

/**
 * Every call of the admin pages: same-origin JSON with the HttpOnly session cookie (the page never
 * sees the token). The server answers `{ok, value}` or `{ok:false, error}`; a network failure or a
 * body that is not JSON becomes an error of the same shape, so pages handle one kind of answer.
 */
export async function request<T>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<Result<T>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    return failure({ code: 'TEMPORARY', message: 'The server cannot be reached. Check the connection and retry.' });
  }
  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch {
    return failure({ code: 'INTERNAL', message: `The server answered ${response.status} without a readable body.` });
  }
  const result = parsed as Result<T>;
  if (!result.ok && result.error.code === 'UNAUTHENTICATED') notifySignedOut();
  return result;
}

function failure<T>(error: AppErrorShape): Result<T> {
  return { ok: false, error };
}

/** A query string from the set values only. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

// A session that ends while a page is open (revoked, expired) sends the app back to sign-in.
const signedOutListeners = new Set<() => void>();

export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

function notifySignedOut(): void {
  for (const listener of signedOutListeners) listener();
}
