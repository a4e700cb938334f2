import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage } from '../../main/store/repositories/mail-repository.js';
import { Store } from '../../main/store/store.js';
import { assertBuildIsCurrent } from '../harness/compiled.js';
import { searchIndexInstances } from '../harness/search-index.js';
import { incomingMessage } from '../harness/mail-fixtures.js';
import { makeTempDir } from '../harness/temp-dir.js';

// kill -9 of a process while it indexes, at several points: every time the index must hold
// exactly the messages up to its checkpoint, and the next run must finish the job without
// indexing anything twice.
const CHILD = fileURLToPath(new URL('../harness/search-index-child.mjs', import.meta.url));
const TOTAL = 3000;
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];

const dir = makeTempDir();
afterAll(() => dir.remove());

function message(n: number): IncomingMessage {
  const words = Array.from({ length: 120 }, (_, i) => `${WORDS[(n * 7 + i) % WORDS.length]}${(n + i) % 97}`);
  return incomingMessage(n, {
    subjectKey: `s${n}`,
    messageId: `m${n}@kill.test`,
    subject: `Message ${n}`,
    date: new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString(),
    from: [{ name: `Sender ${n % 50}`, address: `s${n % 50}@kill.test` }],
    text: words.join(' '),
    size: 1000,
  });
}

function runChild(path: string, keys: { databaseKey: Buffer; fieldKey: Buffer }, killAfterMs: number | null) {
  return new Promise<{ done: boolean }>((resolve, reject) => {
    const args = [CHILD, path, keys.databaseKey.toString('hex'), keys.fieldKey.toString('hex'), '20'];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (killAfterMs !== null && output.includes('indexing') && !child.killed) {
        setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.on('error', reject);
    child.on('close', () => resolve({ done: output.includes('done') }));
  });
}

describe('search indexing under kill -9', () => {
  it('resumes exactly from its checkpoint after being killed mid-batch', async () => {
    assertBuildIsCurrent();
    const path = join(dir.path, 'clientele.db');
    const keys = { databaseKey: randomBytes(32), fieldKey: randomBytes(32) };
    const store = Store.open(path, keys, { create: true });
    store.accounts.insert({
      id: 'a',
      kind: 'imap',
      email: 'a@kill.test',
      displayName: 'a',
      config: {},
      createdAt: '2025-01-01T00:00:00Z',
    });
    const folder = store.mail.upsertFolders('a', [{ path: 'INBOX', name: 'Inbox', role: 'inbox' }], () => true)[0]!;
    for (let start = 1; start <= TOTAL; start += 500) {
      store.mail.applyPage({
        accountId: 'a',
        folderId: folder.id,
        reset: false,
        upserts: Array.from({ length: 500 }, (_, i) => message(start + i)),
        deletes: [],
        flagChanges: [],
        cursor: String(start),
        remoteTotal: TOTAL,
        backfillComplete: false,
        syncedAt: '2025-01-01T00:00:00Z',
      });
    }
    store.close();

    const checkpoints: number[] = [];
    let killedMidway = 0;
    for (const delay of [0, 5, 20, 40, 80, 120]) {
      const { done } = await runChild(path, keys, delay);
      const reopened = Store.open(path, keys, { create: false });
      const { actual, expected } = searchIndexInstances(reopened.db);
      expect(actual).toEqual(expected);
      const checkpoint = reopened.db.prepare('SELECT indexed_through FROM search_state').pluck().get() as number;
      checkpoints.push(checkpoint);
      reopened.close();
      if (!done && checkpoint < TOTAL) killedMidway += 1;
      if (done) break;
    }
    // The kills landed while indexing, and each run started where the last one stopped.
    expect(killedMidway).toBeGreaterThan(0);
    expect(checkpoints).toEqual([...checkpoints].sort((a, b) => a - b));

    expect((await runChild(path, keys, null)).done).toBe(true);
    const final = Store.open(path, keys, { create: false });
    const { actual, expected } = searchIndexInstances(final.db);
    expect(actual).toEqual(expected);
    expect(final.db.prepare('SELECT count(*) FROM message_search_docsize').pluck().get()).toBe(TOTAL);
    expect(final.search.progress().pending).toBe(0);
    final.close();
  });
});
