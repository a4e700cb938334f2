import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.js';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { appendMessages, buildMessage, connectImap } from '../harness/imap-client.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { withStore } from '../harness/store-reader.js';
import { startSyncProcess } from '../harness/sync-process.js';
import { makeTempDir } from '../harness/temp-dir.js';

// kill -9 of the syncing process at random points of an initial sync, then a clean resume:
// the store must hold exactly the mailbox, no message lost, none duplicated.
const FOLDERS = { INBOX: 1600, Archive: 900, Sent: 500 } as const;
const TOTAL = Object.values(FOLDERS).reduce((a, b) => a + b, 0);

let keyring: SecretService;
let dovecot: Dovecot;
const data = makeTempDir();

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
  dovecot = await startDovecot();
  const imap = await connectImap(dovecot);
  for (const [folder, count] of Object.entries(FOLDERS)) {
    const messages = Array.from({ length: count }, (_, i) =>
      buildMessage({
        subject: `${folder} ${i}`,
        messageId: `${folder}-${i}@kill.test`,
        body: `${'Line of text for the body. '.repeat(20 + (i % 50))}\n`,
      }),
    );
    await appendMessages(imap, folder, messages);
  }
  await imap.logout();

  const env = keyring.env;
  const user = dovecot.users[0]!;
  expect((await runCli(['--data-dir', data.path, 'init', '--name', 'Kill test'], { env })).code).toBe(0);
  expect((await runCli(['--data-dir', data.path, 'settings', 'set', '--backfill-months', 'all'], { env })).code).toBe(
    0,
  );
  const added = await runCli(
    [
      '--data-dir',
      data.path,
      '--json',
      'account',
      'add',
      'imap',
      '--email',
      'alice@example.test',
      '--host',
      'localhost',
      '--port',
      String(dovecot.imapsPort),
      '--user',
      user.user,
      '--password-stdin',
      '--ca-file',
      dovecot.caCertPath,
    ],
    { env, stdin: `${user.password}\n` },
  );
  expect(added.json).toMatchObject({ ok: true });
});
afterAll(async () => {
  await dovecot?.stop();
  await keyring?.stop();
  data.remove();
});

async function counts() {
  return withStore(data.path, (db) => ({
    messages: db.prepare('SELECT count(*) FROM messages').pluck().get() as number,
    locations: db.prepare('SELECT count(*) FROM message_locations').pluck().get() as number,
    distinctIds: db.prepare('SELECT count(DISTINCT message_id) FROM messages').pluck().get() as number,
  }));
}

describe('kill -9 during the initial sync', () => {
  it('resumes exactly: every message once, after 12 kills at random points', async () => {
    const seen: number[] = [];
    // Deterministic "random" points: every fourth kill is timed from spawn (10 to 360 ms: mostly
    // while the profile opens), the others 0 to 350 ms after the child reported a committed page, so
    // they land mid-sync with progress behind them however slow a loaded machine makes the sync.
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let kill = 0; kill < 12; kill++) {
      const run = startSyncProcess(data.path, 15, keyring.env);
      const delay = 150 + Math.floor(next() * 350);
      let timer: NodeJS.Timeout | undefined;
      if (kill % 4 === 0) timer = setTimeout(() => run.kill(), delay - 140);
      else void run.committed.then(() => (timer = setTimeout(() => run.kill(), delay - 150)));
      const ended = await run.done;
      clearTimeout(timer);
      const now = await counts();
      // Whatever was committed is consistent: never more than the mailbox, never a duplicate.
      expect(now.locations).toBeLessThanOrEqual(TOTAL);
      expect(now.distinctIds).toBe(now.messages);
      seen.push(now.locations);
      if (ended.signal !== 'SIGKILL') break; // finished before the kill landed
    }
    // The kills landed mid-sync: progress was made and kept between them.
    expect(seen.length, `runs ended after ${seen.join(', ')} messages`).toBeGreaterThanOrEqual(10);
    expect(new Set(seen.filter((n) => n > 0 && n < TOTAL)).size).toBeGreaterThanOrEqual(3);

    const finish = await startSyncProcess(data.path, 15, keyring.env).done;
    expect(finish.out).toContain('done');
    const final = await counts();
    expect(final).toEqual({ messages: TOTAL, locations: TOTAL, distinctIds: TOTAL });
    const perFolder = await withStore(data.path, (db) =>
      Object.fromEntries(
        (
          db
            .prepare(
              'SELECT f.path, count(l.remote_id) AS n FROM folders f LEFT JOIN message_locations l ON l.folder_id = f.id GROUP BY f.id',
            )
            .all() as { path: string; n: number }[]
        ).map((row) => [row.path, row.n]),
      ),
    );
    expect(perFolder).toMatchObject(FOLDERS);
  });
});
