import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  isAppUrl,
  mimeTypeFor,
  resolveAppFile,
  securityHeaders,
} from '../../main/electron/app-url.js';

// How app://clientele/ URLs map to files under out/renderer: nothing may escape the folder.

const root = resolve('/srv/clientele/out/renderer');

describe('resolveAppFile', () => {
  it('serves files under the renderer folder', () => {
    expect(resolveAppFile(root, 'app://clientele/index.html')).toBe(join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://clientele/assets/index-abc.js')).toBe(join(root, 'assets', 'index-abc.js'));
    expect(resolveAppFile(root, 'app://clientele/assets/a%20b.css?v=1#x')).toBe(join(root, 'assets', 'a b.css'));
  });

  it('serves index.html for the root and for client-side routes', () => {
    expect(resolveAppFile(root, 'app://clientele/')).toBe(join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://clientele')).toBe(join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://clientele/contacts/42')).toBe(join(root, 'index.html'));
  });

  it.each([
    'app://clientele/../../etc/passwd',
    'app://clientele/%2e%2e/%2e%2e/etc/passwd',
    'app://clientele/assets/%2E%2E/%2E%2E/secret.txt',
    'app://clientele/..%2f..%2fetc%2fpasswd',
    'app://clientele/..%5c..%5cwindows%5cwin.ini',
    'app://clientele/assets%5c..%5c..%5csecret.txt',
    'app://clientele/index.html%00.png',
    'app://clientele/%E0%A4%A',
  ])('refuses %s', (url) => {
    const file = resolveAppFile(root, url);
    if (file !== null) expect(file.startsWith(root + '/') || file.startsWith(root + '\\')).toBe(true);
    expect(file === null || file.startsWith(root)).toBe(true);
  });

  it('refuses escaping paths outright rather than clamping them', () => {
    expect(resolveAppFile(root, 'app://clientele/..%2f..%2fetc%2fpasswd')).toBeNull();
    expect(resolveAppFile(root, 'app://clientele/..%5c..%5cwindows%5cwin.ini')).toBeNull();
    expect(resolveAppFile(root, 'app://clientele/index.html%00.png')).toBeNull();
    expect(resolveAppFile(root, 'app://clientele/%E0%A4%A')).toBeNull();
  });

  it('refuses URLs that are not ours', () => {
    expect(resolveAppFile(root, 'app://other/index.html')).toBeNull();
    expect(resolveAppFile(root, 'file:///etc/passwd')).toBeNull();
    expect(resolveAppFile(root, 'https://clientele/index.html')).toBeNull();
  });
});

describe('isAppUrl', () => {
  it('accepts only app://clientele', () => {
    expect(isAppUrl('app://clientele/index.html')).toBe(true);
    expect(isAppUrl('app://clientele.example/index.html')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });
});

describe('responses', () => {
  it('carry the strict CSP', () => {
    expect(securityHeaders()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      // The mail frame (srcdoc) inherits this policy: see common/security/renderer-csp.ts.
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: https:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "form-action 'none'",
    ]) {
      expect(CONTENT_SECURITY_POLICY.split('; ')).toContain(directive);
    }
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval/);
    // Inline styles only: never inline or remote script.
    expect(CONTENT_SECURITY_POLICY.split('; ').filter((directive) => directive.includes('unsafe-inline'))).toEqual([
      "style-src 'self' 'unsafe-inline'",
    ]);
    expect(CONTENT_SECURITY_POLICY.split('; ')).toContain("script-src 'self'");
  });

  it('name the right content types', () => {
    expect(mimeTypeFor('/x/index.html')).toMatch(/^text\/html/);
    expect(mimeTypeFor('/x/a.JS')).toMatch(/^text\/javascript/);
    expect(mimeTypeFor('/x/a.bin')).toBe('application/octet-stream');
  });
});
