import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBrowserHost, type BrowserHost } from '../../main/host/browser-host.js';
import { silentLogger } from '../../main/util/logger.js';
import { openTestCore } from '../harness/core.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The real core (no profile yet, so no keychain is touched) behind the real host.
type Response = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

function send(
  host: BrowserHost,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: host.port,
        path,
        method: init.method ?? 'GET',
        headers: { host: `127.0.0.1:${host.port}`, ...init.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

let host: BrowserHost;
let cookie: string;
const dataDir = makeTempDir();
const rendererDir = makeTempDir();
let core: Awaited<ReturnType<typeof openTestCore>>;

beforeAll(async () => {
  mkdirSync(join(rendererDir.path, 'assets'));
  writeFileSync(join(rendererDir.path, 'index.html'), '<!doctype html><title>Clientele</title>');
  core = await openTestCore(dataDir.path);
  host = await startBrowserHost({ core, rendererDir: rendererDir.path, log: silentLogger() });
  const opened = await send(host, new URL(host.launchUrl).pathname + new URL(host.launchUrl).search);
  expect(opened.status).toBe(303);
  const setCookie = String(opened.headers['set-cookie']);
  expect(setCookie).toMatch(/HttpOnly/);
  expect(setCookie).toMatch(/SameSite=Strict/);
  cookie = setCookie.split(';')[0]!;
});
afterAll(async () => {
  await host.close();
  await core.close();
  dataDir.remove();
  rendererDir.remove();
});

const callHeaders = (extra: Record<string, string> = {}) => ({
  'content-type': 'application/json',
  origin: `http://127.0.0.1:${host.port}`,
  cookie,
  ...extra,
});

describe('browser-mode host', () => {
  it('binds 127.0.0.1 only', () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves nothing without a session', async () => {
    expect((await send(host, '/')).status).toBe(401);
    const call = await send(host, '/api/call/app.state', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: host.origin },
      body: '{}',
    });
    expect(call.status).toBe(401);
  });

  it('refuses a wrong launch secret', async () => {
    expect((await send(host, '/session?key=guess')).status).toBe(403);
  });

  it('refuses a foreign Host header even with the session (DNS rebinding)', async () => {
    const res = await send(host, '/api/call/app.state', {
      method: 'POST',
      headers: callHeaders({ host: `evil.example:${host.port}` }),
      body: '{}',
    });
    expect(res.status).toBe(421);
  });

  it('refuses a foreign or missing Origin', async () => {
    const foreign = await send(host, '/api/call/app.state', {
      method: 'POST',
      headers: callHeaders({ origin: 'http://evil.example' }),
      body: '{}',
    });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const headers = callHeaders();
    delete (headers as Record<string, string>).origin;
    expect((await send(host, '/api/call/app.state', { method: 'POST', headers, body: '{}' })).status).toBe(403);
  });

  it('works with the session: serves the renderer with a strict CSP and answers calls', async () => {
    const page = await send(host, '/', { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Clientele</title>');
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    const call = await send(host, '/api/call/app.state', { method: 'POST', headers: callHeaders(), body: '{}' });
    expect(call.status).toBe(200);
    expect(JSON.parse(call.body)).toEqual({ ok: true, value: { phase: 'onboarding' } });
  });

  it('returns VALIDATION with the zod path for bad input', async () => {
    const res = await send(host, '/api/call/profile.create', {
      method: 'POST',
      headers: callHeaders(),
      body: JSON.stringify({ displayName: 42 }),
    });
    const body = JSON.parse(res.body) as {
      ok: boolean;
      error: { code: string; details: { issues: { path: string[] }[] } };
    };
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('VALIDATION');
    expect(body.error.details.issues[0]!.path).toEqual(['displayName']);
  });

  it('rejects malformed JSON and non-JSON bodies', async () => {
    expect(
      (await send(host, '/api/call/app.state', { method: 'POST', headers: callHeaders(), body: '{nope' })).status,
    ).toBe(400);
    expect(
      (
        await send(host, '/api/call/app.state', {
          method: 'POST',
          headers: callHeaders({ 'content-type': 'text/plain' }),
          body: '{}',
        })
      ).status,
    ).toBe(415);
  });
});
