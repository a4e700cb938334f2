import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../main/electron/app-url.js';
import { silentLogger } from '../../main/util/logger.js';

// The app:// handler of main/electron/app-protocol.ts, captured from a fake 'electron' protocol
// module and called with real Requests against a temporary renderer folder.

const captured = vi.hoisted(() => ({
  schemes: [] as unknown[],
  handlers: new Map<string, (request: Request) => Promise<Response>>(),
}));

vi.mock('electron', () => ({
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown[]) => captured.schemes.push(...schemes),
    handle: (scheme: string, handler: (request: Request) => Promise<Response>) =>
      captured.handlers.set(scheme, handler),
  },
}));

const { registerAppScheme, serveAppScheme } = await import('../../main/electron/app-protocol.js');

const base = mkdtempSync(join(tmpdir(), 'clientele-app-protocol-'));
const root = join(base, 'renderer');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html><title>Clientele</title>');
writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(join(base, 'secret.txt'), 'not for the renderer');

registerAppScheme();
serveAppScheme(root, silentLogger());
const handler = captured.handlers.get('app')!;

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('app:// scheme', () => {
  it('is registered standard and secure, without CORS or CSP bypass', () => {
    expect(captured.schemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
    ]);
  });

  it('serves files with their type and the CSP', async () => {
    const page = await handler(new Request('app://clientele/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>Clientele</title>');

    const script = await handler(new Request('app://clientele/assets/app.js'));
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('serves index.html for client-side routes', async () => {
    const page = await handler(new Request('app://clientele/contacts/42'));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Clientele</title>');
  });

  it('answers HEAD without a body', async () => {
    const head = await handler(new Request('app://clientele/index.html', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it.each([
    'app://clientele/..%2fsecret.txt',
    'app://clientele/assets/..%2f..%2fsecret.txt',
    'app://clientele/%2e%2e/secret.txt',
    'app://clientele/missing.js',
    'app://other/index.html',
  ])('answers 404 with the CSP for %s', async (url) => {
    const response = await handler(new Request(url));
    expect(response.status).toBe(404);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await response.text()).not.toContain('not for the renderer');
  });

  it('refuses other methods', async () => {
    const response = await handler(new Request('app://clientele/index.html', { method: 'POST', body: 'x' }));
    expect(response.status).toBe(405);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });
});
