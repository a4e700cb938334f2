// The reports page's email activity (reports.emailActivity) over 1,000,000 messages, through the
// app's own repository on the encrypted store:
//   npm run build && node bench/report-activity.bench.mjs      (BENCH_ACTIVITY_MESSAGES=... to change)
//
// Messages spread over two years (in sync order: ids do not follow dates), 1 in 4 sent, each row
// with a body of ~1 KB so a table scan reads what a real store's would, inserted through the app's
// schema (so migration 0009's triggers keep the per-day counters). Measured per bucket (day over 90
// days, week and month over a year, month over everything): the app's query on the counters, and
// the same count made from the messages table for comparison. Target: p95 ≤ 20 ms for a year of
// weeks (a chart render that never waits).
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeState, machine, ROOT } from './lib/machine.mjs';

const MESSAGES = Number(process.env.BENCH_ACTIVITY_MESSAGES ?? 1_000_000);
const SAMPLES = 9;
/** The table scan is the slow comparison: fewer runs of it. */
const SCAN_SAMPLES = 3;
const TARGET_P95_MS = 20;
const log = (...args) => console.log(`[report-activity ${new Date().toISOString().slice(11, 19)}]`, ...args);

const { Store } = await import(`${ROOT}out/main/store/store.js`);
const { MIGRATIONS } = await import(`${ROOT}out/main/store/migrations/index.js`);
const { activitySql } = await import(`${ROOT}out/main/store/repositories/reports-repository.js`);

const END = Date.UTC(2026, 10, 1);
const SPAN_MS = 2 * 365 * 86_400_000;
const body = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(18);

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

function time(run, samples = SAMPLES) {
  const times = [];
  let rows = 0;
  for (let i = 0; i < samples; i++) {
    const started = process.hrtime.bigint();
    rows = run().length;
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { medianMs: round(percentile(times, 0.5)), p95Ms: round(percentile(times, 0.95)), buckets: rows };
}

/** The same counts made from the messages table: what the counters save. */
function countFromMessages(bucket) {
  const start = {
    day: 'substr(date, 1, 10)',
    week: "date(substr(date, 1, 10), '-6 days', 'weekday 1')",
    month: "substr(date, 1, 7) || '-01'",
  }[bucket];
  return `SELECT ${start} AS start, count(CASE WHEN direction = 'sent' THEN 1 END) AS sent,
    count(CASE WHEN direction = 'received' THEN 1 END) AS received
    FROM messages WHERE date >= ? AND date < ? GROUP BY start ORDER BY start`;
}

const round = (ms) => Math.round(ms * 10) / 10;

const dir = mkdtempSync(join(tmpdir(), 'activity-bench-'));
try {
  const keys = { databaseKey: randomBytes(32), fieldKey: randomBytes(32) };
  const store = Store.open(join(dir, 'clientele.db'), keys, { create: true, migrations: MIGRATIONS });
  const db = store.db;
  const now = new Date(END).toISOString();
  store.accounts.insert({
    id: 'a',
    kind: 'imap',
    email: 'me@mycorp.test',
    displayName: 'Me',
    config: {},
    createdAt: now,
  });
  const random = rng(20261125);
  const started = Date.now();
  const thread = db.prepare(`INSERT INTO threads (account_id, subject_key, last_date) VALUES ('a', ?, ?)`);
  const insert = db.prepare(
    `INSERT INTO messages (account_id, identity, message_id, thread_id, subject, date, from_json, to_json, cc_json,
       bcc_json, reply_to_json, references_json, snippet, body_text, text_truncated, attachments_json, size,
       direction, warnings_json, created_at)
     VALUES ('a', ?, ?, ?, ?, ?, '[]', '[]', '[]', '[]', '[]', '[]', ?, ?, 0, '[]', 2048, ?, '[]', ?)`,
  );
  const BATCH = 20_000;
  for (let from = 0; from < MESSAGES; from += BATCH) {
    db.transaction(() => {
      let threadId = 0;
      for (let n = from; n < Math.min(MESSAGES, from + BATCH); n++) {
        const date = new Date(END - Math.floor(random() * SPAN_MS)).toISOString();
        if (n % 4 === 0) threadId = Number(thread.run(`subject ${n}`, date).lastInsertRowid);
        insert.run(
          `id-${n}`,
          `m${n}@x.test`,
          threadId,
          `Subject ${n}`,
          date,
          body.slice(0, 200),
          body,
          random() < 0.25 ? 'sent' : 'received',
          now,
        );
      }
    })();
    if ((from / BATCH) % 10 === 0) log(`${from + BATCH} messages`);
  }
  // The linker's queue is not what is measured: empty it as the linker would have.
  db.exec('DELETE FROM crm_link_queue');
  db.exec('ANALYZE');
  const loadSeconds = round((Date.now() - started) / 1000);
  log(`${MESSAGES} messages in ${loadSeconds} s`);

  const year = new Date(END - 365 * 86_400_000).toISOString();
  const days90 = new Date(END - 90 * 86_400_000).toISOString();
  const cases = [
    { name: 'day, 90 days', bucket: 'day', from: days90 },
    { name: 'week, a year', bucket: 'week', from: year },
    { name: 'month, a year', bucket: 'month', from: year },
    { name: 'month, everything', bucket: 'month', from: '1970-01-01T00:00:00.000Z' },
  ];
  const results = [];
  for (const c of cases) {
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN ${activitySql(c.bucket)}`)
      .all(c.from.slice(0, 10), now.slice(0, 10))
      .map((row) => row.detail);
    const fromDay = c.from.slice(0, 10);
    const toDay = now.slice(0, 10);
    const counted = time(() => store.reports.emailActivity(c.bucket, fromDay, toDay));
    const scan = time(() => db.prepare(countFromMessages(c.bucket)).all(c.from, now), SCAN_SAMPLES);
    log(
      `${c.name}: counters p95 ${counted.p95Ms} ms (median ${counted.medianMs}), from messages p95 ${scan.p95Ms} ms — ${plan.join(' / ')}`,
    );
    results.push({ ...c, plan, counters: counted, fromMessages: scan });
  }
  const weekYear = results.find((r) => r.bucket === 'week');
  const result = {
    benchmark: 'report-activity',
    messages: MESSAGES,
    loadSeconds,
    targetP95Ms: TARGET_P95_MS,
    pass: weekYear.counters.p95Ms <= TARGET_P95_MS,
    results,
    machine: machine(),
    code: codeState(),
    measuredAt: new Date().toISOString(),
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/report-activity.json'), `${JSON.stringify(result, null, 2)}\n`);
  log(result.pass ? 'PASS' : 'FAIL', `week over a year p95 ${weekYear.counters.p95Ms} ms (target ${TARGET_P95_MS} ms)`);
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
