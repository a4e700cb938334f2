import { assertBuildIsCurrent } from '../harness/compiled.js';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMessage } from '../../main/sync/mime/parse-message.js';
import { messageIdentity } from '../../main/sync/threading.js';
import { silentLogger } from '../../main/util/logger.js';

// The pool runs its workers from the compiled build (see the comment at the top of
// main/sync/mime/parser-pool.ts), so this file imports the pool from out/, after checking that
// `npx tsc -b` has been run since the sources last changed: a stale build would test old code.

assertBuildIsCurrent();
const { createParserPool } = await import('../../out/main/sync/mime/parser-pool.js');
type Pool = ReturnType<typeof createParserPool>;

const pools: Pool[] = [];
function pool(options: Omit<Parameters<typeof createParserPool>[0], 'log'> = {}): Pool {
  const created = createParserPool({ log: silentLogger(), ...options });
  pools.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((created) => created.close()));
});

/** A ~10 KB multipart/alternative message numbered `i`. */
function message(i: number): Buffer {
  const paragraph = `Paragraph of message ${i}. `.repeat(150);
  return Buffer.from(
    [
      `From: Sender ${i} <Sender${i}@Example.com>`,
      'To: me@example.com',
      `Subject: Message ${i}`,
      'Date: Tue, 1 Jul 2025 10:00:00 +0000',
      `Message-ID: <m${i}@example.com>`,
      'Content-Type: multipart/alternative; boundary="alt"',
      '',
      '--alt',
      'Content-Type: text/plain; charset=utf-8',
      '',
      paragraph,
      '--alt',
      'Content-Type: text/html; charset=utf-8',
      '',
      `<p>${paragraph}</p>`,
      '--alt--',
      '',
    ].join('\r\n'),
  );
}

/** Plain text of about `mb` megabytes: large, but ordinary mail to the parser. */
function bigTextMessage(subject: string, mb: number, contentType = 'text/plain'): Buffer {
  const line = 'word '.repeat(14) + '\r\n';
  return Buffer.from(
    `Subject: ${subject}\r\nMessage-ID: <${subject}@example.com>\r\nContent-Type: ${contentType}\r\n\r\n` +
      line.repeat(Math.ceil((mb * 1024 * 1024) / line.length)),
  );
}

describe('parser pool', () => {
  it('starts one worker ahead of the first parse when warmed, and no more', async () => {
    const parser = pool({ size: 2 });
    expect(parser.stats()).toMatchObject({ workers: 0 });
    parser.warm();
    parser.warm();
    expect(parser.stats()).toMatchObject({ workers: 1 });
    const parsed = await parser.parse(message(1));
    expect(parsed.subject).toBe('Message 1');
    expect(parser.stats()).toMatchObject({ workers: 1, parsed: 1 });
  });

  it('parses 200 messages concurrently on bounded workers, each result matching its input', async () => {
    const parser = pool({ size: 2 });
    const pending = Array.from({ length: 200 }, (_, i) => parser.parse(message(i)));
    expect(parser.stats()).toMatchObject({ size: 2, workers: 2, busy: 2, queued: 198 });
    const results = await Promise.all(pending);
    results.forEach((parsed, i) => {
      expect(parsed).toMatchObject({
        messageId: `m${i}@example.com`,
        subject: `Message ${i}`,
        from: [{ name: `Sender ${i}`, address: `sender${i}@example.com` }],
        warnings: [],
      });
      expect(parsed.text).toContain(`Paragraph of message ${i}.`);
    });
    expect(parser.stats()).toMatchObject({ workers: 2, busy: 0, queued: 0, parsed: 200, timeouts: 0, crashes: 0 });
  });

  it('takes ownership of a Buffer that spans its memory, and copies a slice of a shared one', async () => {
    const parser = pool({ size: 1 });
    const owned = message(1);
    expect(owned.byteOffset).toBe(0);
    const ownedResult = parser.parse(owned);
    expect(owned.length).toBe(0); // transferred to the worker, not copied

    const shared = Buffer.concat([message(2), message(3)]);
    const slice = shared.subarray(0, message(2).length);
    const sliceResult = parser.parse(slice);
    const pooled = Buffer.from('Subject: small\r\n\r\nfrom the Buffer pool');
    const pooledResult = parser.parse(pooled);

    expect(slice.length).toBe(message(2).length);
    expect(pooled.toString()).toContain('from the Buffer pool');
    expect((await ownedResult).subject).toBe('Message 1');
    expect((await sliceResult).subject).toBe('Message 2');
    expect((await pooledResult).text).toBe('from the Buffer pool');
  });

  it('abandons a parse that overruns timeoutMs, answers from the header and replaces the worker', async () => {
    const parser = pool({ size: 1, timeoutMs: 250 });
    // Warm the worker: its start-up is not counted, but the first parse pays for JIT warm-up.
    expect((await parser.parse(message(1))).warnings).toEqual([]);
    // format=flowed text has to be unwrapped line by line: ~20 MB takes over a second here.
    const slow = bigTextMessage('slow', 20, 'text/plain; format=flowed');
    const started = Date.now();
    const parsed = await parser.parse(slow);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(parsed.warnings[0]).toBe('parse-timeout');
    expect(parsed).toMatchObject({ subject: 'slow', messageId: 'slow@example.com', text: null, attachments: [] });
    expect(parser.stats()).toMatchObject({ timeouts: 1, crashes: 0 });

    const next = await parser.parse(message(2));
    expect(next).toMatchObject({ subject: 'Message 2', warnings: [] });
    expect(parser.stats()).toMatchObject({ workers: 1, parsed: 2 });
  });

  it('answers from the header when the worker dies (out of its memory limit) and carries on', async () => {
    const parser = pool({ size: 1, maxMemoryMb: 64, timeoutMs: 60_000 });
    // The text body is held as a string several times over while it is decoded: ~60 MB of it
    // does not fit in a 64 MB heap, and V8 ends the worker with ERR_WORKER_OUT_OF_MEMORY.
    const parsed = await parser.parse(bigTextMessage('huge', 60));
    expect(parsed.warnings[0]).toBe('parser-crashed');
    expect(parsed).toMatchObject({ subject: 'huge', messageId: 'huge@example.com', text: null });
    expect(parser.stats()).toMatchObject({ crashes: 1, workers: 0 });

    expect(await parser.parse(message(3))).toMatchObject({ subject: 'Message 3', warnings: [] });
  }, 60_000);

  it('parses the messages posted behind one that times out in the next worker, not as failures', async () => {
    // The pool posts several messages to a worker ahead of its answers: the ones behind a hang
    // did nothing wrong, and go to the replacement worker whole.
    const parser = pool({ size: 1, timeoutMs: 250, inFlightBytes: 64 * 1024 * 1024 });
    expect((await parser.parse(message(1))).warnings).toEqual([]);
    const slow = parser.parse(bigTextMessage('slow', 20, 'text/plain; format=flowed'));
    const behind = [2, 3, 4].map((i) => parser.parse(message(i)));
    expect(parser.stats()).toMatchObject({ workers: 1, busy: 1, queued: 3 });
    expect((await slow).warnings[0]).toBe('parse-timeout');
    const results = await Promise.all(behind);
    expect(results.map((parsed) => [parsed.subject, parsed.warnings])).toEqual([
      ['Message 2', []],
      ['Message 3', []],
      ['Message 4', []],
    ]);
    expect(parser.stats()).toMatchObject({ workers: 1, parsed: 4, timeouts: 1, crashes: 0 });
  });

  it('parses the messages posted behind one that crashes its worker in the next worker', async () => {
    const parser = pool({ size: 1, maxMemoryMb: 64, timeoutMs: 60_000, inFlightBytes: 256 * 1024 * 1024 });
    const huge = parser.parse(bigTextMessage('huge', 60));
    const behind = [5, 6].map((i) => parser.parse(message(i)));
    expect((await huge).warnings[0]).toBe('parser-crashed');
    expect((await Promise.all(behind)).map((parsed) => [parsed.subject, parsed.warnings])).toEqual([
      ['Message 5', []],
      ['Message 6', []],
    ]);
    expect(parser.stats()).toMatchObject({ parsed: 2, crashes: 1 });
  }, 60_000);

  it('parseIdentified answers the parse with its identity, worked out in the worker or for a fallback', async () => {
    const parser = pool({ size: 1 });
    const { parsed, identity } = await parser.parseIdentified(message(7));
    expect(parsed).toEqual(await parseMessage(message(7)));
    expect(identity).toBe(messageIdentity(parsed));
    await parser.close();
    const closed = await parser.parseIdentified(message(8));
    expect(closed.parsed.warnings).toEqual(['pool-closed']);
    expect(closed.identity).toBe(messageIdentity(closed.parsed));
  });

  it('close() resolves queued and running parses with pool-closed, and later ones too', async () => {
    const parser = pool({ size: 1 });
    const done = await parser.parse(message(0));
    const pending = Array.from({ length: 20 }, (_, i) => parser.parse(message(i + 1)));
    await parser.close();
    const results = await Promise.all(pending);
    expect(results.every((parsed) => parsed.warnings[0] === 'pool-closed')).toBe(true);
    expect(results.map((parsed) => parsed.subject)).toEqual(Array.from({ length: 20 }, (_, i) => `Message ${i + 1}`));
    expect(done).toMatchObject({ subject: 'Message 0', warnings: [] });

    const late = await parser.parse(message(99));
    expect(late).toMatchObject({ subject: 'Message 99', warnings: ['pool-closed'] });
    await parser.close();
    expect(parser.stats()).toMatchObject({ workers: 0, busy: 0, queued: 0 });
  });

  it('starts no worker until there is work', () => {
    expect(pool().stats()).toMatchObject({ workers: 0, busy: 0, queued: 0 });
  });
});
