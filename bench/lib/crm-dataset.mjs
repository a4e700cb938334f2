// The CRM-scale dataset: N messages and M contacts generated straight into an encrypted store that
// the app's own migrations created (so the schema, triggers and indexes are exactly the app's), then
// indexed for search by the app's own indexer code (SearchRepository.indexBatch). Deterministic: the
// same seed gives the same mailbox, so two runs measure the same data.
//
// Realism that matters for the queries measured: Zipf-distributed words (a few in most messages,
// most in few), threads of 1-8 messages, contacts that write often and rarely (also Zipf), and ids
// in sync order (an initial sync stores newest first, later mail gets higher ids), so neither id
// nor insertion order matches date order.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './machine.mjs';

const { Store } = await import(`${ROOT}out/main/store/store.js`);
const { openEncryptedDatabase } = await import(`${ROOT}out/main/store/sqlcipher.js`);
const { MIGRATIONS } = await import(`${ROOT}out/main/store/migrations/index.js`);

/** Bump when the generated data changes shape: a cached dataset of another version is rebuilt. */
export const DATASET_VERSION = 2;

const SEED = 20261125;
const VOCABULARY_SIZE = 30_000;

/** The generator's words, most frequent first (the first thing it draws from its seed). */
export const benchVocabulary = () => vocabulary(VOCABULARY_SIZE, rng(SEED));

/** mulberry32: small, fast, seedable. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = 'ka ri to ne sa mo lu vi da pe zo fi ga hu ro bel tan mer sol dor kin lav rus pol'.split(' ');

/** `count` distinct pronounceable words, deterministic. */
export function vocabulary(count, random) {
  const words = new Set(
    'proposal pricing contract renewal meeting invoice quote demo onboarding budget timeline pilot'.split(' '),
  );
  while (words.size < count) {
    const parts = 2 + Math.floor(random() * 3);
    let word = '';
    for (let i = 0; i < parts; i++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.add(word);
  }
  return [...words];
}

/** Samples ranks 0..n-1 with P(rank) ∝ 1/(rank+1)^s. */
function zipf(n, s, random) {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) cumulative[i] = total += 1 / Math.pow(i + 1, s);
  return () => {
    const target = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export const FIRST =
  'Ada Ben Chloe Dmitri Elena Farid Grace Hiro Ines Jonas Kemi Liam Mona Nils Omar Priya Quinn Rosa Sven Tara'
    .split(' ')
    .concat(
      'Uma Victor Wen Xavier Yara Zane Anika Bruno Carla Diego Esme Felix Gita Hugo Ivy Jun Kofi Lena Milo Nora'.split(
        ' ',
      ),
    );
export const LAST =
  'Lovelace Okafor Martin Petrov Rossi Haddad Hopper Tanaka Silva Berg Adeyemi Walsh Aziz Nilsen Khan Sharma'
    .split(' ')
    .concat('Moreau Svensson Fischer Novak Duarte Kowalski Murphy Tran Costa Weber Ito Larsen Dubois Meyer'.split(' '));

/**
 * Builds (or reuses) the dataset in `dir`: `encrypted.db` (SQLCipher, the app's format) and
 * `plain.db` (the same pages exported to plain SQLite). Returns the paths and the keys.
 */
export function ensureDataset(dir, { messages, contacts, log }) {
  const manifestPath = join(dir, 'manifest.json');
  const schema = MIGRATIONS.map((m) => `${m.version}:${m.name}`).join(',');
  const wanted = { version: DATASET_VERSION, messages, contacts };
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (JSON.stringify(manifest.wanted) === JSON.stringify(wanted)) {
      log(`reusing the dataset in ${dir} (built ${manifest.builtAt})`);
      const keys = decodeKeys(manifest.keys);
      if (manifest.schema !== schema) {
        // Newer migrations since it was built: the app's own upgrade path brings it forward.
        log('  the schema changed since: migrating and re-indexing as the app would, then a new plain copy');
        const store = Store.open(manifest.encryptedPath, keys, { create: false });
        try {
          indexAll(store, log);
          exportPlain(store, manifest.plainPath, keys);
        } finally {
          store.close();
        }
        manifest.schema = schema;
        writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
      }
      return { ...manifest, keys, reused: true };
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const keys = { databaseKey: randomBytes(32), fieldKey: randomBytes(32) };
  const encryptedPath = join(dir, 'encrypted.db');
  const plainPath = join(dir, 'plain.db');
  const store = Store.open(encryptedPath, keys, { create: true });
  const timings = {};
  try {
    let started = Date.now();
    generate(store.db, { messages, contacts, log });
    timings.generateMs = Date.now() - started;
    started = Date.now();
    indexAll(store, log);
    timings.indexMs = Date.now() - started;
    started = Date.now();
    exportPlain(store, plainPath, keys);
    timings.plainCopyMs = Date.now() - started;
  } finally {
    store.close();
  }
  const manifest = {
    wanted,
    schema,
    builtAt: new Date().toISOString(),
    encryptedPath,
    plainPath,
    timings,
    keys: { databaseKey: keys.databaseKey.toString('hex'), fieldKey: keys.fieldKey.toString('hex') },
  };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  return { ...manifest, keys, reused: false };
}

/** The app's background indexer's unit of work, run until nothing is left. */
function indexAll(store, log) {
  let indexed = 0;
  for (;;) {
    const added = store.search.indexBatch(20_000);
    if (added === 0) return;
    indexed += added;
    if (indexed % 100_000 < 20_000) log(`  indexed ${indexed.toLocaleString('en')} messages for search`);
  }
}

/** The same pages, unencrypted: what the queries cost without SQLCipher. */
function exportPlain(store, plainPath, keys) {
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  rmSync(plainPath, { force: true });
  // VACUUM INTO keeps the cipher; the copy (not in WAL mode) is then decrypted in place.
  store.db.prepare('VACUUM INTO ?').run(plainPath);
  const copy = openEncryptedDatabase(plainPath, keys.databaseKey, { create: false });
  try {
    copy.pragma('journal_mode = DELETE');
    copy.pragma(`rekey = ''`);
  } finally {
    copy.close();
  }
  const header = Buffer.alloc(15);
  const fd = openSync(plainPath, 'r');
  try {
    readSync(fd, header, 0, 15, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString('latin1') !== 'SQLite format 3') throw new Error('the plain copy is still encrypted');
}

function decodeKeys(keys) {
  return { databaseKey: Buffer.from(keys.databaseKey, 'hex'), fieldKey: Buffer.from(keys.fieldKey, 'hex') };
}

function generate(db, { messages, contacts, log }) {
  const random = rng(SEED);
  const words = vocabulary(VOCABULARY_SIZE, random);
  const pickWord = zipf(words.length, 1.05, random);
  const pickContact = zipf(contacts, 0.9, random);
  const now = Date.UTC(2026, 10, 1);
  const spanMs = 3 * 365 * 24 * 3600 * 1000;
  const created = new Date(now).toISOString();

  const accounts = [
    { id: 'acc-work', email: 'me@clientele-bench.test' },
    { id: 'acc-old', email: 'me@old-job-bench.test' },
  ];
  const insertAccount = db.prepare(
    `INSERT INTO accounts (id, kind, email, display_name, config, created_at) VALUES (?, 'imap', ?, ?, '{}', ?)`,
  );
  const insertFolder = db.prepare(
    `INSERT INTO folders (account_id, path, name, role, sync_enabled, backfill_complete) VALUES (?, ?, ?, ?, 1, 1)`,
  );
  const folders = [];
  db.transaction(() => {
    for (const account of accounts) {
      insertAccount.run(account.id, account.email, account.email, created);
      for (const [path, role] of [
        ['INBOX', 'inbox'],
        ['Sent', 'sent'],
        ['Archive', 'archive'],
        ['Clients', 'other'],
        ['Projects', 'other'],
      ]) {
        const folderId = insertFolder.run(account.id, path, path, role).lastInsertRowid;
        folders.push({ accountId: account.id, role, id: Number(folderId) });
      }
    }
  })();

  const people = generateContacts(db, { contacts, words, random, created });
  log(`  ${Math.round(contacts / 10).toLocaleString('en')} companies, ${contacts.toLocaleString('en')} contacts`);

  const insertThread = db.prepare('INSERT INTO threads (account_id, subject_key, last_date) VALUES (?, ?, ?)');
  const insertMessage = db.prepare(
    `INSERT INTO messages (id, account_id, identity, message_id, thread_id, subject, date, from_json, to_json, cc_json,
       bcc_json, reply_to_json, references_json, snippet, body_text, body_html, text_truncated, attachments_json, size,
       direction, warnings_json, created_at)
     VALUES (@id, @account, @identity, @messageId, @thread, @subject, @date, @from, @to, '[]', '[]', '[]', '[]',
       @snippet, @body, NULL, 0, '[]', @size, @direction, '[]', @created)`,
  );
  const insertLocation = db.prepare(
    `INSERT INTO message_locations (folder_id, remote_id, message, flags_json) VALUES (?, ?, ?, '["\\\\Seen"]')`,
  );
  const insertLink = db.prepare(
    'INSERT OR IGNORE INTO message_contacts (message_id, contact_id, role) VALUES (?, ?, ?)',
  );

  // Dates newest first for the initial sync (90%), then the mail that came after it (10%, oldest first).
  const initial = Math.round(messages * 0.9);
  const dateOf = (index) =>
    index < initial
      ? now - Math.floor((index / initial) * spanMs * 0.97)
      : now + Math.floor(((index - initial) / (messages - initial)) * spanMs * 0.03);
  const sentence = (length) => {
    const out = [];
    for (let i = 0; i < length; i++) out.push(words[pickWord()]);
    return out.join(' ');
  };

  let thread = null;
  let threadLeft = 0;
  const batch = 20_000;
  for (let start = 0; start < messages; start += batch) {
    db.transaction(() => {
      for (let index = start; index < Math.min(messages, start + batch); index++) {
        const id = index + 1;
        const account = accounts[index % 10 === 0 ? 1 : 0];
        const person = people[pickContact()];
        const sent = random() < 0.35;
        const date = new Date(dateOf(index) - Math.floor(random() * 60_000)).toISOString();
        if (threadLeft === 0) {
          const subject = `${sentence(2 + Math.floor(random() * 5))} ${person.name.split(' ')[1]}`;
          thread = {
            subject,
            id: Number(insertThread.run(account.id, subject.toLowerCase(), date).lastInsertRowid),
          };
          threadLeft = 1 + Math.floor(random() * random() * 8);
        }
        threadLeft--;
        const me = { name: 'Me', address: account.email };
        const them = { name: person.name, address: person.address };
        const body = `Hi ${person.name.split(' ')[0]},\n\n${sentence(20 + Math.floor(random() * random() * 300))}.\n\nBest,\n${sent ? 'Me' : person.name}`;
        insertMessage.run({
          id,
          account: account.id,
          identity: `<bench-${id}@bench.test>`,
          messageId: `<bench-${id}@bench.test>`,
          thread: thread.id,
          subject: threadLeft === 0 && index % 3 === 0 ? thread.subject : `Re: ${thread.subject}`,
          date,
          from: JSON.stringify([sent ? me : them]),
          to: JSON.stringify([sent ? them : me]),
          snippet: body.slice(0, 200),
          body,
          size: body.length + 900,
          direction: sent ? 'sent' : 'received',
          created: date,
        });
        const folder = folders.find(
          (f) => f.accountId === account.id && f.role === (sent ? 'sent' : index % 4 === 0 ? 'archive' : 'inbox'),
        );
        insertLocation.run(folder.id, String(id), id);
        insertLink.run(id, person.id, sent ? 'to' : 'from');
      }
    })();
    if ((start + batch) % 100_000 === 0) log(`  generated ${(start + batch).toLocaleString('en')} messages`);
  }
  db.exec(`
    UPDATE contacts SET last_activity_at = (
      SELECT max(m.date) FROM message_contacts l JOIN messages m ON m.id = l.message_id WHERE l.contact_id = contacts.id
    );
    UPDATE threads SET last_date = (SELECT max(date) FROM messages WHERE thread_id = threads.id);
    DELETE FROM crm_link_queue;
  `);
}

/**
 * Companies (one per 10 contacts) and contacts with one address each, in one transaction; returns
 * the people as { id, name, address }. Used by the messages dataset and by the contact-list scroll
 * benchmark, which fills a real profile's store with it.
 */
export function generateContacts(
  db,
  { contacts, words = benchVocabulary(), random = rng(SEED + 1), created, activity },
) {
  // Companies and contacts: 10 contacts per company on average.
  const companyCount = Math.max(1, Math.round(contacts / 10));
  const insertCompany = db.prepare(
    `INSERT INTO companies (domain, name, source, created_at, updated_at) VALUES (?, ?, 'mail', ?, ?)`,
  );
  const insertContact = db.prepare(
    `INSERT INTO contacts (name, source, created_at, updated_at) VALUES (?, 'mail', ?, ?)`,
  );
  const setActivity = db.prepare('UPDATE contacts SET last_activity_at = ? WHERE id = ?');
  const insertEmail = db.prepare('INSERT INTO contact_emails (address, contact_id) VALUES (?, ?)');
  const insertWorksAt = db.prepare('INSERT INTO contact_companies (contact_id, company_id) VALUES (?, ?)');
  const people = [];
  db.transaction(() => {
    for (let c = 0; c < companyCount; c++) {
      const word = words[1000 + c];
      insertCompany.run(`${word}-${c}.test`, `${word[0].toUpperCase()}${word.slice(1)} ${c}`, created, created);
    }
    for (let p = 0; p < contacts; p++) {
      const first = FIRST[Math.floor(random() * FIRST.length)];
      const last = LAST[Math.floor(random() * LAST.length)];
      const company = 1 + Math.floor(random() * companyCount);
      const domain = `${words[1000 + company - 1]}-${company - 1}.test`;
      const address = `${first}.${last}.${p}@${domain}`.toLowerCase();
      const id = Number(insertContact.run(`${first} ${last}`, created, created).lastInsertRowid);
      if (activity) setActivity.run(activity(p), id);
      insertEmail.run(address, id);
      insertWorksAt.run(id, company);
      people.push({ id, name: `${first} ${last}`, address });
    }
  })();

  return people;
}
