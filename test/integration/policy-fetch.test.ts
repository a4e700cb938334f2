import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAllowed } from '../../common/rbac/evaluate.js';
import { PolicyFetcher, POLICY_FETCH_MAX_MS, POLICY_FETCH_MIN_MS } from '../../main/rbac/policy-fetcher.js';
import { ServerPolicySource } from '../../main/rbac/server-policy-source.js';
import { MIGRATIONS } from '../../main/store/migrations/index.js';
import { Store } from '../../main/store/store.js';
import { silentLogger } from '../../main/util/logger.js';
import { makeSigner, policyDocument, type TestSigner } from '../harness/policy-signer.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The policy fetcher against a small fake team server on loopback (the real route is S1's, later):
// GET /api/policy with the session token, ETag / If-None-Match, and the last good policy kept through
// network failures, HTTP errors and bad policies.

const NOW = Date.parse('2026-06-01T09:00:00Z');
const TOKEN = 'session-token-123';

type FakeReply = { status: number; body?: string; etag?: string } | 'hang-up';
let server: Server;
let serverUrl: string;
let reply: (request: IncomingMessage) => FakeReply;
const seen: { authorization?: string; ifNoneMatch?: string; path?: string }[] = [];

let dir: ReturnType<typeof makeTempDir>;
let store: Store;
let signer: TestSigner;
let source: ServerPolicySource;
let fetcher: PolicyFetcher;

beforeEach(async () => {
  seen.length = 0;
  server = createServer((request, response) => {
    seen.push({
      path: request.url,
      ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
      ...(request.headers['if-none-match'] ? { ifNoneMatch: request.headers['if-none-match'] } : {}),
    });
    const answer = reply(request);
    if (answer === 'hang-up') {
      request.socket.destroy();
      return;
    }
    response.writeHead(answer.status, {
      'content-type': 'application/jose',
      ...(answer.etag ? { etag: answer.etag } : {}),
    });
    response.end(answer.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  dir = makeTempDir();
  store = Store.open(
    join(dir.path, 'clientele.db'),
    { databaseKey: randomBytes(32), fieldKey: randomBytes(32) },
    {
      create: true,
      migrations: MIGRATIONS,
    },
  );
  signer = await makeSigner();
  store.team.enroll({ serverUrl, workspaceId: 'ws-acme', userId: 'user-rep', publicKeyJwk: signer.publicKeyJwk });
  source = new ServerPolicySource(
    () => store.team,
    silentLogger(),
    () => NOW,
  );
  fetcher = new PolicyFetcher({
    source,
    log: silentLogger(),
    endpoint: () => {
      const enrollment = store.team.enrollment();
      return enrollment ? { serverUrl: enrollment.serverUrl, sessionToken: TOKEN } : null;
    },
  });
});
afterEach(async () => {
  await fetcher.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  store.close();
  dir.remove();
});

/** Serves one signed policy with ETag semantics: 304 when If-None-Match matches. */
async function serve(version: number, permissions = { deal: { view: 'all' as const, export: 'all' as const } }) {
  const jws = await signer.sign(policyDocument(NOW, { version, permissions }));
  const etag = `"p${version}"`;
  reply = (request) =>
    request.headers['if-none-match'] === etag ? { status: 304, etag } : { status: 200, body: jws, etag };
}

const exportDeals = { object: 'deal', action: 'export' } as const;

describe('PolicyFetcher', () => {
  it('fetches with the session token, then asks with If-None-Match and gets 304', async () => {
    await serve(1);
    expect(await fetcher.fetchOnce()).toEqual({ kind: 'updated', version: 1 });
    expect(seen[0]).toEqual({ path: '/api/policy', authorization: `Bearer ${TOKEN}` });
    expect(isAllowed(source.current(), exportDeals, NOW)).toBe(true);

    expect(await fetcher.fetchOnce()).toEqual({ kind: 'not-modified' });
    expect(seen[1]).toMatchObject({ ifNoneMatch: '"p1"' });

    await serve(2, { deal: { view: 'all', export: 'none' } } as never);
    expect(await fetcher.fetchOnce()).toEqual({ kind: 'updated', version: 2 });
    expect(isAllowed(source.current(), exportDeals, NOW)).toBe(false);
  });

  it('keeps the last good policy through network failures, HTTP errors and bad policies', async () => {
    await serve(3);
    await fetcher.fetchOnce();
    const good = store.team.policy();

    reply = () => 'hang-up';
    expect(await fetcher.fetchOnce()).toMatchObject({ kind: 'failed', status: null });
    reply = () => ({ status: 401, body: '{"error":"session revoked"}' });
    expect(await fetcher.fetchOnce()).toMatchObject({ kind: 'failed', status: 401 });
    reply = () => ({ status: 503 });
    expect(await fetcher.fetchOnce()).toMatchObject({ kind: 'failed', status: 503 });
    const older = await signer.sign(policyDocument(NOW, { version: 2 }));
    reply = () => ({ status: 200, body: older, etag: '"p2"' });
    expect(await fetcher.fetchOnce()).toMatchObject({ kind: 'rejected', code: 'POLICY_VERSION_ROLLBACK' });
    const forged = await (await makeSigner()).sign(policyDocument(NOW, { version: 99 }));
    reply = () => ({ status: 200, body: forged, etag: '"p99"' });
    expect(await fetcher.fetchOnce()).toMatchObject({ kind: 'rejected', code: 'POLICY_SIGNATURE_INVALID' });

    expect(store.team.policy()).toEqual(good);
    expect(isAllowed(source.current(), exportDeals, NOW)).toBe(true);
  });

  it('does not call out while the profile is not enrolled', async () => {
    store.team.unenroll();
    expect(await fetcher.fetchOnce()).toEqual({ kind: 'not-enrolled' });
    expect(seen).toEqual([]);
  });

  it('fetches at start, then again each time the jittered timer fires', async () => {
    await serve(1);
    const delays: number[] = [];
    let fire: () => void = () => undefined;
    let scheduled: () => void = () => undefined;
    const nextSchedule = () => new Promise<void>((resolve) => (scheduled = resolve));
    const periodic = new PolicyFetcher({
      source,
      log: silentLogger(),
      endpoint: () => ({ serverUrl, sessionToken: TOKEN }),
      random: () => 0.5,
      setTimer: (run, ms) => {
        delays.push(ms);
        fire = run;
        scheduled();
        return { cancel: () => undefined };
      },
    });
    let next = nextSchedule();
    periodic.start();
    await next;
    expect(seen).toHaveLength(1);
    next = nextSchedule();
    fire();
    await next;
    await periodic.stop();
    expect(seen).toHaveLength(2);
    expect(seen[1]).toMatchObject({ ifNoneMatch: '"p1"' });
    expect(delays).toEqual([90_000, 90_000]);
    const jitter = (r: number) =>
      new PolicyFetcher({ source, log: silentLogger(), endpoint: () => null, random: () => r }).nextDelayMs();
    expect([jitter(0), jitter(0.999_999)]).toEqual([POLICY_FETCH_MIN_MS, POLICY_FETCH_MAX_MS - 1]);
  });
});
