import { RENDERER_CSP } from '../../common/security/renderer-csp.js';
import { mimeTypeFor } from '../util/mime-types.js';
import { isAbsolute, relative, resolve, sep } from 'node:path';

// Pure helpers about the app's own origin. No 'electron' import, so unit tests can load them.

/** The renderer is served from a privileged custom scheme, never file:// (see window.ts). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'clientele';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * True only for app://clientele/... exactly. Node's URL gives origin 'null' for non-special
 * schemes, so the parts are compared one by one; userinfo and ports are refused because
 * Chromium would never produce them for our scheme and they are classic spoofing tools.
 */
export function isAppUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return (
    url.protocol === `${APP_SCHEME}:` &&
    url.hostname === APP_HOST &&
    url.port === '' &&
    url.username === '' &&
    url.password === ''
  );
}

/**
 * Maps an app:// URL to a file under rootDir, or null when the URL is not ours or would
 * escape rootDir (encoded dots, backslashes, NUL bytes, absolute paths on Windows).
 * '/' serves index.html, as does any extension-less path (client-side routes).
 */
export function resolveAppFile(rootDir: string, raw: string): string | null {
  if (!isAppUrl(raw)) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(raw).pathname);
  } catch {
    return null; // malformed percent-encoding
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  // URL parsing already removed literal and %2e dot segments; any left came from encoded slashes.
  if (pathname.split('/').some((segment) => segment === '..' || segment === '.')) return null;

  let relativePath = pathname.replace(/^\/+/, '');
  if (relativePath === '' || !/\.[A-Za-z0-9]+$/.test(relativePath)) relativePath = 'index.html';

  const root = resolve(rootDir);
  const file = resolve(root, relativePath);
  const fromRoot = relative(root, file);
  if (fromRoot === '' || fromRoot.startsWith('..') || isAbsolute(fromRoot) || fromRoot.split(sep).includes('..')) {
    return null;
  }
  return file;
}

export { mimeTypeFor };

/** The renderer's CSP (common/security/renderer-csp.ts), shared with browser mode. */
export const CONTENT_SECURITY_POLICY = RENDERER_CSP;

/** Headers on every app:// response, including errors. */
export function securityHeaders(): Record<string, string> {
  return {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
  };
}
