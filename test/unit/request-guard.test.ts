import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAllowedHost, isAllowedOrigin, parseCookies } from '../../main/host/request-guard.js';
import { readStaticFile } from '../../main/host/static-files.js';
import { makeTempDir } from '../harness/temp-dir.js';

describe('browser host request guard', () => {
  it('accepts only loopback Host headers on our port', () => {
    expect(isAllowedHost('127.0.0.1:4000', 4000)).toBe(true);
    expect(isAllowedHost('localhost:4000', 4000)).toBe(true);
    expect(isAllowedHost('evil.example:4000', 4000)).toBe(false); // DNS rebinding
    expect(isAllowedHost('127.0.0.1:4001', 4000)).toBe(false);
    expect(isAllowedHost(undefined, 4000)).toBe(false);
  });

  it('accepts only our own origin', () => {
    expect(isAllowedOrigin('http://127.0.0.1:4000', 4000)).toBe(true);
    expect(isAllowedOrigin('https://127.0.0.1:4000', 4000)).toBe(false);
    expect(isAllowedOrigin('http://evil.example', 4000)).toBe(false);
    expect(isAllowedOrigin('null', 4000)).toBe(false);
    expect(isAllowedOrigin(undefined, 4000)).toBe(false);
  });

  it('parses cookies', () => {
    expect(parseCookies('a=1; clientele_session=xyz; b').get('clientele_session')).toBe('xyz');
  });
});

describe('static files', () => {
  it('serves files inside the renderer folder and nothing outside it', async () => {
    const root = makeTempDir();
    mkdirSync(join(root.path, 'app'));
    writeFileSync(join(root.path, 'app', 'index.html'), '<html></html>');
    writeFileSync(join(root.path, 'secret.txt'), 'outside');
    const app = join(root.path, 'app');
    expect((await readStaticFile(app, '/'))?.contentType).toMatch(/text\/html/);
    expect(await readStaticFile(app, '/../secret.txt')).toBeNull();
    expect(await readStaticFile(app, '/%2e%2e/secret.txt')).toBeNull();
    expect(await readStaticFile(app, '/..%2fsecret.txt')).toBeNull();
    expect(await readStaticFile(app, '/index.html%00.png')).toBeNull();
    root.remove();
  });
});
