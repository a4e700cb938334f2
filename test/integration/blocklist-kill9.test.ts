import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.js';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { appendMessages, buildMessage, connectImap } from '../harness/imap-client.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { withStore } from '../harness/store-reader.js';
import { startSyncProcess } from '../harness/sync-process.js';
import { makeTempDir } from '../harness/temp-dir.js';

// kill -9 of the syncing process while it fetches the mail of an unblocked sender again: at every
// kill each of that sender's messages is either stored or still a tombstone, never both and never
// neither; a clean pass then stores each exactly once.
const BLOCKED = 450;
const OTHERS = 60;

let keyring: SecretService;
let dovecot: Dovecot;
const data = makeTempDir();
const cli = (args: string[], stdin?: string) =>
  runCli(['--data-dir', data.path, ...args], { env: keyring.env, ...(stdin ? { stdin } : {}) });

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
  dovecot = await startDovecot();
  const imap = await connectImap(dovecot);
  const body = `${'Line of text for the body. '.repeat(30)}\n`;
  await appendMessages(imap, 'INBOX', [
    ...Array.from({ length: BLOCKED }, (_, i) =>
      buildMessage({ subject: `Offer ${i}`, messageId: `offer-${i}@spam.test`, from: 'deals@spam.test', body }),
    ),
    ...Array.from({ length: OTHERS }, (_, i) =>
      buildMessage({ subject: `Note ${i}`, messageId: `note-${i}@fine.test`, from: 'ann@fine.test', body }),
    ),
  ]);
  await imap.logout();
  const user = dovecot.users[0]!;
  expect((await cli(['init', '--name', 'Kill test'])).code).toBe(0);
  expect((await cli(['settings', 'set', '--backfill-months', 'all'])).code).toBe(0);
  const added = await cli(
    [
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
    `${user.password}\n`,
  );
  expect(added.json).toMatchObject({ ok: true });
  expect((await cli(['sync', '--once'])).code).toBe(0);
  expect((await cli(['block', 'add', 'spam.test', '--json'])).json).toMatchObject({
    ok: true,
    value: { removed: BLOCKED },
  });
  expect((await cli(['block', 'remove', 'spam.test', '--json'])).json).toMatchObject({
    ok: true,
    value: { released: BLOCKED },
  });
});
afterAll(async () => {
  await dovecot?.stop();
  await keyring?.stop();
  data.remove();
});

async function state() {
  return withStore(data.path, (db) => ({
    stored: db.prepare("SELECT count(*) FROM messages WHERE message_id LIKE '%@spam.test'").pluck().get() as number,
    distinct: db
      .prepare("SELECT count(DISTINCT message_id) FROM messages WHERE message_id LIKE '%@spam.test'")
      .pluck()
      .get() as number,
    tombstones: db.prepare('SELECT count(*) FROM blocked_messages').pluck().get() as number,
    // A message both stored (at its location) and still a tombstone there.
    both: db
      .prepare(
        'SELECT count(*) FROM blocked_messages b JOIN message_locations l ON l.folder_id = b.folder_id AND l.remote_id = b.remote_id',
      )
      .pluck()
      .get() as number,
    others: db.prepare("SELECT count(*) FROM messages WHERE message_id LIKE '%@fine.test'").pluck().get() as number,
  }));
}

describe('kill -9 while unblocked mail is fetched again', () => {
  it('keeps every message stored or tombstoned, then stores each once', async () => {
    const seen: number[] = [];
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let kill = 0; kill < 8; kill++) {
      const run = startSyncProcess(data.path, 15, keyring.env);
      let timer: NodeJS.Timeout | undefined;
      // Later and later (timed from the child's own signal, not its start-up): the first runs die in
      // the pass over the folders or early in the fetch, later ones further into it, whatever the load.
      const delay = 150 + kill * 100 + Math.floor(next() * 300);
      void run.syncing.then(() => (timer = setTimeout(() => run.kill(), delay)));
      const ended = await run.done;
      clearTimeout(timer);
      const now = await state();
      expect(now.both).toBe(0);
      expect(now.distinct).toBe(now.stored);
      expect(now.stored + now.tombstones).toBe(BLOCKED);
      expect(now.others).toBe(OTHERS);
      seen.push(now.stored);
      if (ended.signal !== 'SIGKILL') break;
    }
    // Some kills landed while the mail was coming back.
    expect(
      new Set(seen.filter((n) => n > 0 && n < BLOCKED)).size,
      `stored after each run: ${seen.join(', ')}`,
    ).toBeGreaterThanOrEqual(2);

    const finish = await startSyncProcess(data.path, 15, keyring.env).done;
    expect(finish.out).toContain('done');
    expect(await state()).toEqual({ stored: BLOCKED, distinct: BLOCKED, tombstones: 0, both: 0, others: OTHERS });
  });
});
