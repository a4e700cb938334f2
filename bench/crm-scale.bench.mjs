// The CRM at scale: 1,000,000 messages and 50,000 contacts generated into the encrypted store (the
// app's migrations and search indexer), and the same queries run in the same run on a plain SQLite
// copy of the same pages, so the cost of encryption is visible:
//   npm run build && node bench/crm-scale.bench.mjs      (BENCH_CRM_MESSAGES=100000 for a quick run)
//
// Measured through the app's own code (the repositories and search service the core calls, not
// hand-written SQL), one caller at a time, after one warm-up pass over every query:
// - search newest first (target p95 ≤ 50 ms) and ranked (p95 ≤ 200 ms), page 1 of 25 hits with
//   snippets, over a query mix from frequent to rare words, names, two words and as-you-type prefixes;
// - a timeline page (p95 ≤ 20 ms): the mail timeline (mail.list, 50 rows) at random depths, and a
//   record's timeline (timeline.forRecord, 50 items) of the busiest and of ordinary contacts and companies;
// - a contacts page (contacts.list, 100 rows) at random depths and with a name prefix.
// Contact-list scrolling in Chromium is test/e2e's and a separate figure.
//
// The dataset is cached in bench/.cache (gitignored) and reused while its shape is the same.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { benchVocabulary, ensureDataset, FIRST, LAST, rng } from './lib/crm-dataset.mjs';
import { codeState, load1, machine, packageVersion, ROOT } from './lib/machine.mjs';

const MESSAGES = Number(process.env.BENCH_CRM_MESSAGES ?? 1_000_000);
const CONTACTS = Number(process.env.BENCH_CRM_CONTACTS ?? 50_000);
const REPEAT = Number(process.env.BENCH_CRM_REPEAT ?? 3);
const RESULTS = join(ROOT, 'bench/results');
const TARGETS = { searchNewestP95: 50, searchRankedP95: 200, timelinePageP95: 20 };

const log = (...args) => console.log(`[crm-scale ${new Date().toISOString().slice(11, 19)}]`, ...args);

const { openEncryptedDatabase } = await import(`${ROOT}out/main/store/sqlcipher.js`);
const { SearchRepository } = await import(`${ROOT}out/main/store/repositories/search-repository.js`);
const { MessageReadRepository } = await import(`${ROOT}out/main/store/repositories/message-read-repository.js`);
const { CrmRepository } = await import(`${ROOT}out/main/store/repositories/crm-repository.js`);
const { TimelineRepository } = await import(`${ROOT}out/main/store/repositories/timeline-repository.js`);
const { searchMessages } = await import(`${ROOT}out/main/search/search-service.js`);
const { buildMatchExpression: buildMatch } = await import(`${ROOT}out/main/search/search-query.js`);

log(`dataset: ${MESSAGES.toLocaleString('en')} messages, ${CONTACTS.toLocaleString('en')} contacts`);
const dataset = ensureDataset(join(ROOT, `bench/.cache/crm-scale-${MESSAGES}-${CONTACTS}`), {
  messages: MESSAGES,
  contacts: CONTACTS,
  log,
});

/** The plain copy opened as the app opens its store, minus the key. */
function openPlain(path) {
  const db = new Database(path, { fileMustExist: true });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -16000');
  db.pragma('foreign_keys = ON');
  return db;
}

const words = benchVocabulary();
const pick = (random, list) => list[Math.floor(random() * list.length)];
const range = (random, from, to) => words[from + Math.floor(random() * (to - from))];

/** The query mix: what people type, from words in most mail to words in a few messages. */
function searchQueries() {
  const random = rng(7);
  const classes = {
    'frequent word (top 10)': () => `${range(random, 0, 10)} `,
    'common word (rank 50-200)': () => `${range(random, 50, 200)} `,
    'mid word (rank 500-3,000)': () => `${range(random, 500, 3000)} `,
    'rare word (rank 10,000-30,000)': () => `${range(random, 10_000, 30_000)} `,
    'person (first and last name)': () => `${pick(random, FIRST)} ${pick(random, LAST)} `,
    'two words (common + mid)': () => `${range(random, 50, 200)} ${range(random, 500, 3000)} `,
    'as you type (4-letter prefix)': () => range(random, 200, 3000).slice(0, 4),
  };
  return Object.entries(classes).flatMap(([name, make]) => Array.from({ length: 15 }, () => ({ name, query: make() })));
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const round = (v) => Math.round(v * 100) / 100;
  return { n: sorted.length, p50: round(at(0.5)), p95: round(at(0.95)), max: round(sorted.at(-1)) };
}

function time(work) {
  const started = process.hrtime.bigint();
  const value = work();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}

/** Runs each case once to warm up, then REPEAT times measured; returns stats overall and per class. */
function measure(cases, run) {
  for (const item of cases) run(item);
  const all = [];
  const byClass = new Map();
  for (let r = 0; r < REPEAT; r++) {
    for (const item of cases) {
      const { ms } = time(() => run(item));
      all.push(ms);
      if (!byClass.has(item.name)) byClass.set(item.name, []);
      byClass.get(item.name).push(ms);
    }
  }
  return { all: stats(all), byClass: Object.fromEntries([...byClass].map(([name, s]) => [name, stats(s)])) };
}

function runAll(db, label) {
  log(`${label}: measuring`);
  const search = new SearchRepository(db);
  const messages = new MessageReadRepository(db);
  const crm = new CrmRepository(db);
  const queries = searchQueries();
  const hitCounts = {};
  for (const { name, query } of queries) {
    hitCounts[name] ??= [];
    if (hitCounts[name].length < 3) {
      hitCounts[name].push(
        db.prepare('SELECT count(*) FROM message_search WHERE message_search MATCH ?').pluck().get(buildMatch(query)),
      );
    }
  }
  const newest = measure(queries, ({ query }) => searchMessages(search, { query, order: 'newest', limit: 25 }));
  log(`  search newest p95 ${newest.all.p95} ms`);
  const ranked = measure(queries, ({ query }) => searchMessages(search, { query, order: 'ranked', limit: 25 }));
  log(`  search ranked p95 ${ranked.all.p95} ms`);

  // Timeline pages at random depths: the cursor is a real row's (date, id).
  const random = rng(11);
  const maxId = db.prepare('SELECT max(id) FROM messages').pluck().get();
  const position = db.prepare('SELECT date, id FROM messages WHERE id >= ? ORDER BY id LIMIT 1');
  const timelineCases = [
    ...Array.from({ length: 10 }, () => ({ name: 'first page', after: null })),
    ...Array.from({ length: 40 }, () => ({
      name: 'deep page',
      after: position.get(1 + Math.floor(random() * maxId)),
    })),
  ];
  const timeline = measure(timelineCases, ({ after }) => messages.page({}, after, 50));
  log(`  timeline page p95 ${timeline.all.p95} ms`);

  const contactCursors = [];
  let page = crm.listContacts(undefined, undefined, 100);
  while (page.next && contactCursors.length < 200) {
    contactCursors.push(page.next);
    page = crm.listContacts(undefined, page.next, 100);
  }
  const contactCases = [
    ...Array.from({ length: 10 }, () => ({ name: 'first page', cursor: undefined, search: undefined })),
    ...Array.from({ length: 30 }, () => ({
      name: 'deep page',
      cursor: pick(random, contactCursors),
      search: undefined,
    })),
    ...Array.from({ length: 30 }, () => ({
      name: 'name prefix',
      cursor: undefined,
      search: pick(random, FIRST).slice(0, 1 + Math.floor(random() * 3)),
    })),
  ];
  const contacts = measure(contactCases, ({ cursor, search: text }) => crm.listContacts(text, cursor, 100));
  log(`  contacts page p95 ${contacts.all.p95} ms`);

  // A record's timeline (timeline.forRecord): the busiest contacts and companies (Zipf: the top
  // contact took part in tens of thousands of messages), and ordinary ones, first and deeper pages.
  const records = new TimelineRepository(db);
  const busiest = (sql) => db.prepare(sql).pluck().all();
  const topContacts = busiest(
    'SELECT contact_id FROM message_contacts GROUP BY contact_id ORDER BY count(*) DESC LIMIT 5',
  );
  const topCompanies = busiest(
    `SELECT cc.company_id FROM message_contacts mc JOIN contact_companies cc ON cc.contact_id = mc.contact_id
     GROUP BY cc.company_id ORDER BY count(*) DESC LIMIT 5`,
  );
  const someContacts = Array.from({ length: 10 }, () => 1 + Math.floor(random() * CONTACTS));
  const deeper = (record) => records.page(record, records.page(record, undefined, 50).next ?? undefined, 50);
  const recordCases = [
    ...topContacts.map((id) => ({ name: 'busiest contacts, first page', record: { type: 'contact', id } })),
    ...topContacts.map((id) => ({
      name: 'busiest contacts, second page',
      record: { type: 'contact', id },
      deep: true,
    })),
    ...someContacts.map((id) => ({ name: 'other contacts, first page', record: { type: 'contact', id } })),
    ...topCompanies.map((id) => ({ name: 'busiest companies, first page', record: { type: 'company', id } })),
  ];
  const recordTimeline = measure(recordCases, ({ record, deep }) =>
    deep ? deeper(record) : records.page(record, undefined, 50),
  );
  const busiestMessages = db
    .prepare('SELECT count(*) FROM message_contacts WHERE contact_id = ?')
    .pluck()
    .get(topContacts[0]);
  log(`  record timeline page p95 ${recordTimeline.all.p95} ms (busiest contact: ${busiestMessages} messages)`);
  return {
    searchNewest: newest,
    searchRanked: ranked,
    timeline,
    recordTimeline,
    busiestContactMessages: busiestMessages,
    contacts,
    hitCounts,
  };
}

const encryptedDb = openEncryptedDatabase(dataset.encryptedPath, dataset.keys.databaseKey, { create: false });
const encrypted = runAll(encryptedDb, 'encrypted (SQLCipher)');
const sizes = { encryptedBytes: fileSize(dataset.encryptedPath), plainBytes: fileSize(dataset.plainPath) };
encryptedDb.close();
const plainDb = openPlain(dataset.plainPath);
const plain = runAll(plainDb, 'plain SQLite');
plainDb.close();

function fileSize(path) {
  return statSync(path).size;
}

const ratio = (a, b) => Math.round((a / b) * 100) / 100;
const result = {
  benchmark: 'crm-scale',
  date: new Date().toISOString(),
  machine: machine(),
  code: codeState(),
  sqlcipher: packageVersion('better-sqlite3-multiple-ciphers'),
  load1AtEnd: load1(),
  dataset: { messages: MESSAGES, contacts: CONTACTS, reused: dataset.reused, timings: dataset.timings, ...sizes },
  targets: TARGETS,
  encrypted,
  plain,
  encryptionCost: {
    searchNewestP95: ratio(encrypted.searchNewest.all.p95, plain.searchNewest.all.p95),
    searchRankedP95: ratio(encrypted.searchRanked.all.p95, plain.searchRanked.all.p95),
    timelineP95: ratio(encrypted.timeline.all.p95, plain.timeline.all.p95),
    recordTimelineP95: ratio(encrypted.recordTimeline.all.p95, plain.recordTimeline.all.p95),
    contactsP95: ratio(encrypted.contacts.all.p95, plain.contacts.all.p95),
  },
  met: {
    searchNewest: encrypted.searchNewest.all.p95 <= TARGETS.searchNewestP95,
    searchRanked: encrypted.searchRanked.all.p95 <= TARGETS.searchRankedP95,
    timeline: encrypted.timeline.all.p95 <= TARGETS.timelinePageP95,
    recordTimeline: encrypted.recordTimeline.all.p95 <= TARGETS.timelinePageP95,
  },
};
mkdirSync(RESULTS, { recursive: true });
const suffix = MESSAGES === 1_000_000 ? '' : `-n${MESSAGES}`;
writeFileSync(join(RESULTS, `crm-scale${suffix}.json`), JSON.stringify(result, null, 2));
writeFileSync(join(RESULTS, `crm-scale${suffix}.md`), markdown(result));
log(`written to bench/results/crm-scale${suffix}.{json,md}`);

function markdown(r) {
  const row = (label, e, p, target) =>
    `| ${label} | ${e.p50} | **${e.p95}** | ${e.max} | ${p.p50} | ${p.p95} | ${ratio(e.p95, p.p95)}× | ${target ?? '—'} |`;
  const classRows = (key) =>
    Object.keys(r.encrypted[key].byClass)
      .map((name) => row(`&nbsp;&nbsp;${name}`, r.encrypted[key].byClass[name], r.plain[key].byClass[name]))
      .join('\n');
  return `# CRM at scale: ${r.dataset.messages.toLocaleString('en')} messages, ${r.dataset.contacts.toLocaleString('en')} contacts

Run ${r.date} on ${r.machine.cpu} (${r.machine.cores} cores, ${r.machine.ramGb} GB), ${r.machine.os}, Node ${r.machine.node},
better-sqlite3-multiple-ciphers ${r.sqlcipher}; code ${r.code.commit}${r.code.uncommittedInMainOrCommon.length ? ' + uncommitted changes' : ''}; load average at the end ${r.load1AtEnd}.
Dataset ${r.dataset.reused ? 'reused from bench/.cache' : 'generated in this run'}: encrypted ${(r.dataset.encryptedBytes / 1e9).toFixed(2)} GB, plain copy ${(r.dataset.plainBytes / 1e9).toFixed(2)} GB${r.dataset.timings ? `; generating took ${Math.round(r.dataset.timings.generateMs / 1000)} s, search indexing (the app's indexer) ${Math.round(r.dataset.timings.indexMs / 1000)} s` : ''}.
One caller at a time, through the app's repositories and search service, after a warm-up pass; ${REPEAT} measured passes. Times in ms.

| query | encrypted p50 | encrypted p95 | max | plain p50 | plain p95 | encryption cost (p95) | target p95 |
|---|---|---|---|---|---|---|---|
${row('search, newest first (25 hits + snippets)', r.encrypted.searchNewest.all, r.plain.searchNewest.all, `≤ ${r.targets.searchNewestP95} ${r.met.searchNewest ? '(met)' : '(missed)'}`)}
${classRows('searchNewest')}
${row('search, ranked (bm25)', r.encrypted.searchRanked.all, r.plain.searchRanked.all, `≤ ${r.targets.searchRankedP95} ${r.met.searchRanked ? '(met)' : '(missed)'}`)}
${classRows('searchRanked')}
${row('timeline page (mail.list, 50 rows)', r.encrypted.timeline.all, r.plain.timeline.all, `≤ ${r.targets.timelinePageP95} ${r.met.timeline ? '(met)' : '(missed)'}`)}
${classRows('timeline')}
${row(`record timeline page (timeline.forRecord, 50 items; busiest contact ${r.encrypted.busiestContactMessages.toLocaleString('en')} messages)`, r.encrypted.recordTimeline.all, r.plain.recordTimeline.all, `≤ ${r.targets.timelinePageP95} ${r.met.recordTimeline ? '(met)' : '(missed)'}`)}
${classRows('recordTimeline')}
${row('contacts page (contacts.list, 100 rows)', r.encrypted.contacts.all, r.plain.contacts.all)}
${classRows('contacts')}

Messages matching (first three queries of each class): ${Object.entries(r.encrypted.hitCounts)
    .map(([name, counts]) => `${name}: ${counts.map((c) => c.toLocaleString('en')).join(', ')}`)
    .join('; ')}.
`;
}
