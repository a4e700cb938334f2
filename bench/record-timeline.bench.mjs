// The record timeline (timeline.forRecord) of a contact with 10,000 messages, through the app's own
// repository on the encrypted store:
//   npm run build && node bench/record-timeline.bench.mjs      (BENCH_TIMELINE_MESSAGES=... to change)
//
// The contact's mail is 10,000 messages in threads of 1-5, beside 40,000 messages of other
// contacts, with 300 notes, 200 tasks and 20 deals of 5 stage changes each on the contact. Measured:
// the first page (50 items) and pages at random depths (cursor taken from a walk), one caller at a
// time after a warm-up walk. Target: p95 ≤ 20 ms per page (the bar of the mail timeline page).
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeState, load1, machine, ROOT } from './lib/machine.mjs';

const MESSAGES = Number(process.env.BENCH_TIMELINE_MESSAGES ?? 10_000);
const OTHERS = Number(process.env.BENCH_TIMELINE_OTHERS ?? 40_000);
const SAMPLES = 200;
const TARGET_P95_MS = 20;
const log = (...args) => console.log(`[record-timeline ${new Date().toISOString().slice(11, 19)}]`, ...args);

const { Store } = await import(`${ROOT}out/main/store/store.js`);
const { MIGRATIONS } = await import(`${ROOT}out/main/store/migrations/index.js`);

const dir = mkdtempSync(join(tmpdir(), 'timeline-bench-'));
try {
  const keys = { databaseKey: randomBytes(32), fieldKey: randomBytes(32) };
  const store = Store.open(join(dir, 'clientele.db'), keys, { create: true, migrations: MIGRATIONS });
  const db = store.db;
  const now = '2026-01-01T00:00:00.000Z';
  store.accounts.insert({
    id: 'a',
    kind: 'imap',
    email: 'me@mycorp.test',
    displayName: 'Me',
    config: {},
    createdAt: now,
  });
  const [inbox] = store.mail.upsertFolders('a', [{ path: 'INBOX', name: 'INBOX', role: 'inbox' }], () => true);
  const contact = (name) =>
    Number(
      db
        .prepare(`INSERT INTO contacts (name, source, created_at, updated_at) VALUES (?, 'manual', ?, ?)`)
        .run(name, now, now).lastInsertRowid,
    );
  const ann = contact('Ann');
  const others = Array.from({ length: 200 }, (_, i) => contact(`Other ${i}`));

  log(`generating ${MESSAGES} messages of the contact and ${OTHERS} of others`);
  const started = Date.now();
  const total = MESSAGES + OTHERS;
  const link = db.prepare(
    `INSERT OR IGNORE INTO message_contacts (message_id, contact_id, role) VALUES (?, ?, 'from')`,
  );
  const byIdentity = db.prepare("SELECT id FROM messages WHERE account_id = 'a' AND identity = ?");
  let thread = 0;
  let linkMs = 0;
  for (let from = 0; from < total; from += 1000) {
    const upserts = [];
    for (let n = from; n < Math.min(total, from + 1000); n++) {
      // Every fifth message is the contact's until its 10,000 are made; threads of 1-5 messages.
      if (n % 5 === 0) thread++;
      upserts.push({
        remoteId: String(n),
        flags: [],
        identity: `id-${n}`,
        subjectKey: `thread ${thread}`,
        messageId: `m${n}@x.test`,
        inReplyTo: null,
        references: [],
        subject: `Thread ${thread}`,
        date: new Date(Date.UTC(2024, 0, 1) + n * 60_000).toISOString(),
        from: [{ name: 'Someone', address: `p${n % 200}@x.test` }],
        to: [],
        cc: [],
        bcc: [],
        replyTo: [],
        text: `Body ${n}`,
        html: null,
        textTruncated: false,
        attachments: [],
        size: 100,
        direction: n % 3 === 0 ? 'sent' : 'received',
        listId: null,
        listUnsubscribe: null,
        precedence: null,
        autoSubmitted: null,
        warnings: [],
      });
    }
    store.mail.applyPage({
      accountId: 'a',
      folderId: inbox.id,
      reset: false,
      upserts,
      deletes: [],
      flagChanges: [],
      cursor: 'c',
      remoteTotal: total,
      backfillComplete: false,
      syncedAt: now,
    });
    const linking = Date.now();
    db.transaction(() => {
      for (const message of upserts) {
        const n = Number(message.remoteId);
        const id = byIdentity.get(message.identity).id;
        const owner = n < MESSAGES * (total / MESSAGES) && n % (total / MESSAGES) === 0 ? ann : others[n % 200];
        link.run(id, owner);
      }
    })();
    linkMs += Date.now() - linking;
  }
  const annMessages = db.prepare('SELECT count(*) AS n FROM message_contacts WHERE contact_id = ?').get(ann).n;
  for (let i = 0; i < 300; i++) store.notes.create({ type: 'contact', id: ann }, `note ${i}`, 'Me', isoAt(i * 97));
  for (let i = 0; i < 200; i++) store.tasks.create({ type: 'contact', id: ann }, `task ${i}`, null, isoAt(i * 131));
  const stages = store.deals.listPipelines()[0].stages;
  for (let i = 0; i < 20; i++) {
    const deal = store.deals.create(
      { name: `Deal ${i}`, amountMinor: 100, currency: 'EUR', contactIds: [ann] },
      isoAt(i * 1000),
    );
    for (let s = 1; s < 5; s++) store.deals.move({ id: deal.id, stageId: stages[s].id }, isoAt(i * 1000 + s * 200));
  }
  log(
    `generated in ${((Date.now() - started) / 1000).toFixed(1)} s (links ${(linkMs / 1000).toFixed(1)} s, with the contact_threads triggers); the contact has ${annMessages} messages`,
  );

  const record = { type: 'contact', id: ann };
  const cursors = [];
  let cursor;
  let items = 0;
  do {
    const page = store.timeline.page(record, cursor, 50);
    items += page.items.length;
    cursor = page.next ?? undefined;
    if (cursor) cursors.push(cursor);
  } while (cursor);
  log(`timeline: ${items} items in ${cursors.length + 1} pages of 50`);

  const time = (fn) => {
    const t0 = process.hrtime.bigint();
    fn();
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const first = Array.from({ length: SAMPLES }, () => time(() => store.timeline.page(record, undefined, 50)));
  let seed = 7;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const deep = Array.from({ length: SAMPLES }, () => {
    const at = cursors[Math.floor(random() * cursors.length)];
    return time(() => store.timeline.page(record, at, 50));
  });
  const stats = (samples) => {
    const sorted = [...samples].sort((a, b) => a - b);
    const q = (p) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] * 100) / 100;
    return { p50: q(0.5), p95: q(0.95), max: q(1) };
  };
  const result = {
    at: new Date().toISOString(),
    machine: machine(),
    code: codeState(),
    load1: load1(),
    linkInsertsMs: linkMs,
    dataset: {
      contactMessages: annMessages,
      otherMessages: total - annMessages,
      notes: 300,
      tasks: 200,
      deals: 20,
      timelineItems: items,
    },
    firstPageMs: stats(first),
    randomDepthPageMs: stats(deep),
    targetP95Ms: TARGET_P95_MS,
    plan: store.timeline.plan('contact'),
  };
  store.close();
  // For looking at the query by hand: BENCH_TIMELINE_KEEP=DIR keeps the store and its keys there.
  if (process.env.BENCH_TIMELINE_KEEP) {
    const keep = process.env.BENCH_TIMELINE_KEEP;
    mkdirSync(keep, { recursive: true });
    rmSync(join(keep, 'clientele.db'), { force: true });
    copyFileSync(join(dir, 'clientele.db'), join(keep, 'clientele.db'));
    writeFileSync(
      join(keep, 'keys.json'),
      JSON.stringify({ databaseKey: keys.databaseKey.toString('hex'), fieldKey: keys.fieldKey.toString('hex') }),
    );
  }
  log('first page', result.firstPageMs, 'random depth', result.randomDepthPageMs);
  const out = join(ROOT, 'bench/results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'record-timeline.json'), `${JSON.stringify(result, null, 2)}\n`);
  const pass = result.firstPageMs.p95 <= TARGET_P95_MS && result.randomDepthPageMs.p95 <= TARGET_P95_MS;
  log(pass ? 'within target' : `OVER TARGET (p95 ≤ ${TARGET_P95_MS} ms)`);
  process.exitCode = pass ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function isoAt(minute) {
  return new Date(Date.UTC(2024, 0, 1) + minute * 60_000).toISOString();
}
