import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImapFlow } from 'imapflow';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { appendMessages, buildMessage, connectImap } from '../harness/imap-client.js';
import { startTcpProxy, type TcpProxy } from '../harness/tcp-proxy.js';

// The proxy is how sync tests break a connection mid-command: prove that a cut really reaches
// imapflow as a failed FETCH, and that the next connection through the same proxy is healthy.
const MESSAGES = 200;
let dovecot: Dovecot;
let proxy: TcpProxy;

beforeAll(async () => {
  dovecot = await startDovecot();
  const client = await connectImap(dovecot);
  await client.mailboxCreate('Big');
  // ~2 KB each: 200 of them are far more than the 50,000 bytes the cut lets through.
  const messages = Array.from({ length: MESSAGES }, (_, i) =>
    buildMessage({ subject: `Message ${i}`, body: `${'Filler text for the proxy test. '.repeat(60)}\n` }),
  );
  await appendMessages(client, 'Big', messages);
  await client.logout();
  proxy = await startTcpProxy(dovecot.imapsPort);
});
afterAll(async () => {
  await proxy?.close();
  await dovecot?.stop();
});

/** Through the proxy; TLS still verifies 'localhost', only the port is the proxy's. */
const viaProxy = (): Promise<ImapFlow> => connectImap(dovecot, undefined, { port: proxy.port });

/** FETCHes every source in Big; `received` counts the messages that arrived before any failure. */
async function fetchAllSources(client: ImapFlow, received = { count: 0 }): Promise<number> {
  const lock = await client.getMailboxLock('Big');
  try {
    for await (const message of client.fetch('1:*', { uid: true, source: true })) {
      if (message.source) received.count++;
    }
    return received.count;
  } finally {
    lock.release();
  }
}

describe('the TCP proxy', () => {
  it('breaks a FETCH of 200 messages once 50,000 bytes went to the client', async () => {
    proxy.cutAfterBytes(50_000);
    const client = await viaProxy();
    const cutsBefore = proxy.cuts;
    const closed = new Promise((resolve) => client.once('close', resolve));
    const received = { count: 0 };
    const error = (await fetchAllSources(client, received).catch((e: unknown) => e)) as { code?: string };
    await closed;
    // imapflow reports the dropped socket as "Connection not available" on the running FETCH.
    expect(['NoConnection', 'EConnectionClosed']).toContain(error.code);
    expect(received.count).toBeGreaterThan(0);
    expect(received.count).toBeLessThan(MESSAGES);
    expect(client.usable).toBe(false);
    expect(proxy.cuts).toBe(cutsBefore + 1);
    expect(proxy.connections).toBe(0);
    proxy.cutAfterBytes(Infinity);
  });

  it('cutAll drops every live connection, and a new connection then works', async () => {
    const first = await viaProxy();
    const second = await viaProxy();
    expect(proxy.connections).toBe(2);
    const closed = Promise.all([first, second].map((c) => new Promise((resolve) => c.once('close', resolve))));
    const cutsBefore = proxy.cuts;
    proxy.cutAll();
    await closed;
    expect(proxy.cuts).toBe(cutsBefore + 2);
    expect(proxy.connections).toBe(0);

    const fresh = await viaProxy();
    expect(await fetchAllSources(fresh)).toBe(MESSAGES);
    await fresh.logout();
  });
});
