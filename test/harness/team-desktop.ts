import type { Keychain } from '../../main/platform/keychain/keychain.js';
import type { RunningServer } from '../../server/start.js';

/**
 * For tests that pair a real team server with a real core: a keychain in memory (the core under test
 * needs one; the real Secret Service is the subject of other tests), the server's admin API, and the
 * first admin made through the bootstrap link.
 */
export function memoryKeychain(): Keychain {
  const secrets = new Map<string, Buffer>();
  return {
    get: async (account) => secrets.get(account) ?? null,
    set: async (account, secret) => void secrets.set(account, Buffer.from(secret)),
    delete: async (account) => secrets.delete(account),
    assertWritable: async () => undefined,
  };
}

type Body<T> = { ok: boolean; value: T; error?: { code: string; message: string } };

/** A call to the team server with a session token; throws with the server's message on a refusal. */
export async function serverApi<T>(
  server: RunningServer,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const parsed = (await response.json()) as Body<T>;
  if (!parsed.ok) throw new Error(`${method} ${path}: ${response.status} ${parsed.error?.message}`);
  return parsed.value;
}

/** Redeems the server's one-time bootstrap link for the first admin; returns the admin's session token. */
export async function bootstrapAdmin(
  server: RunningServer,
  admin: { email: string; password: string },
): Promise<string> {
  const token = new URL(server.bootstrapLink!.replace('#token=', '?token=')).searchParams.get('token')!;
  const response = await fetch(`${server.url}/api/auth/bootstrap`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, ...admin }),
  });
  const parsed = (await response.json()) as Body<{ token: string }>;
  if (!parsed.ok) throw new Error(`bootstrap: ${response.status} ${parsed.error?.message}`);
  return parsed.value.token;
}
