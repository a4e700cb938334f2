import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkIpcSender, type FrameLike, type GuardContext, type IpcEventLike } from '../../main/electron/ipc-guard.js';

// The guard in front of the only IPC channel, fed plain objects shaped like Electron's.

const OUR_ID = 1;
const guard: GuardContext = { isOurWebContents: (id) => id === OUR_ID };

function mainFrame(url: string, extra: Partial<FrameLike> = {}): FrameLike {
  return { url, parent: null, ...extra };
}

function event(frame: FrameLike | null | undefined, senderId = OUR_ID): IpcEventLike {
  return { sender: { id: senderId }, senderFrame: frame };
}

function refusedBecause(e: IpcEventLike): string {
  const verdict = checkIpcSender(e, guard);
  expect(verdict.allowed).toBe(false);
  return verdict.allowed ? '' : verdict.reason;
}

describe('checkIpcSender', () => {
  it('accepts the main frame of our window on the app origin', () => {
    expect(checkIpcSender(event(mainFrame('app://clientele/index.html')), guard)).toEqual({ allowed: true });
    expect(checkIpcSender(event(mainFrame('app://clientele/contacts?id=4#x')), guard)).toEqual({ allowed: true });
    expect(
      checkIpcSender(event(mainFrame('app://clientele/', { origin: 'app://clientele', detached: false })), guard),
    ).toEqual({ allowed: true });
  });

  it('refuses a missing frame', () => {
    expect(refusedBecause(event(null))).toMatch(/no sender frame/);
    expect(refusedBecause(event(undefined))).toMatch(/no sender frame/);
  });

  it('refuses a subframe, even one on the app origin', () => {
    const top = mainFrame('app://clientele/index.html');
    expect(refusedBecause(event({ url: 'app://clientele/frame.html', parent: top }))).toMatch(/subframe/);
  });

  it('refuses a frame whose parent is unknown rather than null', () => {
    expect(refusedBecause(event({ url: 'app://clientele/index.html', parent: undefined }))).toMatch(/subframe/);
  });

  it('refuses windows this app did not create', () => {
    expect(refusedBecause(event(mainFrame('app://clientele/index.html'), 2))).toMatch(/not a window this app created/);
  });

  it('refuses a detached frame', () => {
    expect(refusedBecause(event(mainFrame('app://clientele/index.html', { detached: true })))).toMatch(/detached/);
  });

  it.each([
    ['a foreign https origin', 'https://evil.example/'],
    ['a foreign origin pretending in its path', 'https://evil.example/app://clientele/'],
    ['file://', 'file:///work/main/out/renderer/index.html'],
    ['another custom scheme', 'evil://clientele/index.html'],
    ['our scheme with another host', 'app://evil/index.html'],
    ['our scheme with a look-alike host', 'app://clientele.evil.example/index.html'],
    ['our scheme with userinfo', 'app://clientele@evil/index.html'],
    ['our scheme with a port', 'app://clientele:8080/index.html'],
    ['http on the app host name', 'http://clientele/index.html'],
    ['about:blank', 'about:blank'],
    ['an empty URL', ''],
    ['a data: URL', 'data:text/html,<script>alert(1)</script>'],
  ])('refuses %s', (_name, url) => {
    expect(refusedBecause(event(mainFrame(url)))).toMatch(/not in the app/);
  });

  it("refuses when Chromium's origin disagrees (opaque, sandboxed document)", () => {
    expect(refusedBecause(event(mainFrame('app://clientele/index.html', { origin: 'null' })))).toMatch(/origin/);
  });

  it('never logs paths or queries of refused URLs', () => {
    const reason = refusedBecause(event(mainFrame('https://evil.example/secret/path?token=abc')));
    expect(reason).toContain('https://evil.example');
    expect(reason).not.toContain('secret');
    expect(reason).not.toContain('token');
  });
});

describe('IPC channel', () => {
  it('is the same literal in the preload and in main', () => {
    const channel = /INVOKE_CHANNEL = '([^']+)'/;
    const preload = channel.exec(readFileSync(new URL('../../preload/preload.ts', import.meta.url), 'utf8'))?.[1];
    const main = channel.exec(readFileSync(new URL('../../main/electron/ipc.ts', import.meta.url), 'utf8'))?.[1];
    expect(preload).toBe('clientele:invoke');
    expect(main).toBe(preload);
  });
});
