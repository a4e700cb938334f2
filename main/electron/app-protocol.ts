import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import type { Logger } from '../util/logger.js';
import { APP_SCHEME, mimeTypeFor, resolveAppFile, securityHeaders } from './app-url.js';

// Serves the built renderer from app://clientele/ instead of file://: a real origin for the CSP
// and the IPC guard, no file:// privileges, and no way to read outside out/renderer.

/** Must run before app 'ready' (Chromium fixes scheme privileges at startup). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      // standard: real origin and relative URLs; secure: treated like https (secure context).
      // Deliberately no corsEnabled (it would let other origins read app:// responses) and no
      // bypassCSP.
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

/** After 'ready': answer every app:// request from rootDir (out/renderer), with the CSP on every response. */
export function serveAppScheme(rootDir: string, log: Logger): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return respond(405, 'Method not allowed');
    const file = resolveAppFile(rootDir, request.url);
    if (file === null) {
      log.warn({ url: redact(request.url) }, 'app:// request refused');
      return respond(404, 'Not found');
    }
    try {
      // Electron's fs reads inside app.asar transparently.
      const body = await readFile(file);
      return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
        status: 200,
        headers: { ...securityHeaders(), 'content-type': mimeTypeFor(file), 'cache-control': 'no-cache' },
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EISDIR')
        log.error({ err: error, url: redact(request.url) }, 'app:// read failed');
      return respond(404, 'Not found');
    }
  });
}

function respond(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...securityHeaders(), 'content-type': 'text/plain; charset=utf-8' } });
}

/** Paths only, no query strings: they could carry user data. */
function redact(raw: string): string {
  return raw.split(/[?#]/, 1)[0] ?? '';
}
