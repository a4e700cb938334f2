import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMimeCorpus } from '../fixtures/mime/index.js';
import { expectOk, openTestCore } from '../harness/core.js';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { appendMessages, connectImap } from '../harness/imap-client.js';
import { addDovecotAccount, syncStatus } from '../harness/mail-account.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { withStore } from '../harness/store-reader.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The malformed-MIME corpus (test/fixtures/mime) through Dovecot into the store: the sync must
// complete and keep every message, with warnings where parsing had to give up on something.
let keyring: SecretService;
let dovecot: Dovecot;
const data = makeTempDir();
const corpus = loadMimeCorpus();

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
  dovecot = await startDovecot();
  const imap = await connectImap(dovecot);
  await imap.mailboxCreate('Corpus');
  await appendMessages(
    imap,
    'Corpus',
    corpus.map((message) => message.bytes),
  );
  await imap.logout();
});
afterAll(async () => {
  await dovecot?.stop();
  await keyring?.stop();
  data.remove();
});

describe('malformed MIME corpus', () => {
  it(`stores all ${corpus.length} messages and finishes the sync`, async () => {
    expect(corpus.length).toBeGreaterThanOrEqual(100);
    const core = await openTestCore(data.path);
    try {
      expectOk(await core.call('profile.create', { displayName: 'Corpus' }));
      expectOk(await core.call('settings.update', { backfillMonths: null }));
      await addDovecotAccount(core, dovecot);
      expectOk(await core.call('sync.run', { wait: true }));
      const status = await syncStatus(core);
      expect(status.lastError).toBeNull();
      expect(status.folders.find((folder) => folder.path === 'Corpus')).toMatchObject({
        done: corpus.length,
        total: corpus.length,
        backfillComplete: true,
      });
    } finally {
      await core.close();
    }
    const stored = await withStore(data.path, (db) => ({
      locations: db
        .prepare(
          `SELECT count(*) FROM message_locations l JOIN folders f ON f.id = l.folder_id WHERE f.path = 'Corpus'`,
        )
        .pluck()
        .get() as number,
      withWarnings: db.prepare(`SELECT count(*) FROM messages WHERE warnings_json != '[]'`).pluck().get() as number,
    }));
    expect(stored.locations).toBe(corpus.length);
    expect(stored.withWarnings).toBeGreaterThan(0);
  });
});
