import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type IncomingMessage } from 'node:http';
import type { AppEvent } from '../../common/api/events.js';
import { startBrowserHost, type BrowserHost } from '../../main/host/browser-host.js';
import type { EventListener } from '../../main/core/events/event-bus.js';
import { silentLogger } from '../../main/util/logger.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The browser host's Server-Sent Events stream, in front of a core stand-in whose events the
// test fires (the real pipeline, sync -> bus -> stream -> page, is covered by the Sync page e2e).

const listeners = new Set<EventListener>();
const fakeCore = {
  dispatch: async () => ({ ok: true as const, value: null }),
  subscribe: (listener: EventListener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
const fire = (event: AppEvent) => {
  for (const listener of listeners) listener(event);
};

let host: BrowserHost;
let cookie = '';
const rendererDir = makeTempDir();

function open(path: string, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: host.port, path, headers: { host: `127.0.0.1:${host.port}`, ...headers } },
      resolve,
    );
    req.on('error', reject);
    req.end();
  });
}

function nextChunk(res: IncomingMessage, until: (text: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (until(text)) {
        res.off('data', onData);
        resolve(text);
      }
    };
    res.on('data', onData);
  });
}

beforeAll(async () => {
  host = await startBrowserHost({ core: fakeCore, rendererDir: rendererDir.path, log: silentLogger() });
  const launch = new URL(host.launchUrl);
  const opened = await open(launch.pathname + launch.search, {});
  opened.resume();
  cookie = String(opened.headers['set-cookie']).split(';')[0]!;
});
afterAll(async () => {
  await host.close();
  rendererDir.remove();
});

describe('browser host events (GET /api/events)', () => {
  it('refuses a stream without the session cookie', async () => {
    const res = await open('/api/events', {});
    res.resume();
    expect(res.statusCode).toBe(401);
    expect(listeners.size).toBe(0);
  });

  it('streams each event as an SSE record, and lets go of the subscription when the page leaves', async () => {
    const res = await open('/api/events', { cookie, accept: 'text/event-stream' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.headers['cache-control']).toBe('no-store');
    await nextChunk(res, (text) => text.includes(': connected'));
    expect(listeners.size).toBe(1);
    const record = nextChunk(res, (text) => text.endsWith('\n\n'));
    fire({ name: 'sync.changed', payload: { accountIds: ['acc-1'] } });
    expect(await record).toBe('event: sync.changed\ndata: {"accountIds":["acc-1"]}\n\n');
    res.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(listeners.size).toBe(0);
  });
});
