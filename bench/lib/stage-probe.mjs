// Where an initial IMAP sync's time goes: Clientele's own stages without the ones after them, each
// run as a process of its own exactly as `clientele sync --once` is (same Node flags, timed by the
// benchmark from spawn to exit), so that the step from one to the next is that stage's cost.
//
//   BENCH_STAGE='{"stage":"fetch"|"parse", "host", "port", "caCertPem", "user", "password"}' \
//     node --max-semi-space-size=4 bench/lib/stage-probe.mjs
//
// - fetch: the compiled IMAP driver (out/main/sync/drivers/imap/imap-driver.js) pages through
//   every folder as the sync does (same page budget, newest first, headers, structures, text
//   sections), and drops each page: no parsing, no store.
// - parse: the same, and every fetched message goes through the compiled parser pool (worker
//   threads, with identity) as the sync hands it over; the next page is fetched meanwhile, up to
//   PAGES_IN_FLIGHT pages held, as the sync's pipeline does. Nothing is stored.
// The full sync adds the start-up of the CLI and the core (keychain, store), threading and the
// SQLCipher commits. Prints one JSON line: { stage, messages, pages, bytes }.
import { fileURLToPath } from 'node:url';

const OUT = fileURLToPath(new URL('../../out/main/', import.meta.url));
// The sync's own page size and pipeline depth (a module of constants: the engine is not loaded).
const { SYNC_PAGE_BUDGET: BUDGET, SYNC_PAGES_IN_FLIGHT: PAGES_IN_FLIGHT } = await import(`${OUT}sync/page-budget.js`);
const { ImapDriver } = await import(`${OUT}sync/drivers/imap/imap-driver.js`);
const { createParserPool } = await import(`${OUT}sync/mime/parser-pool.js`);
const { silentLogger } = await import(`${OUT}util/logger.js`);

const probe = JSON.parse(process.env.BENCH_STAGE ?? 'null');
if (probe?.stage !== 'fetch' && probe?.stage !== 'parse') throw new Error('BENCH_STAGE.stage must be fetch or parse');

const log = silentLogger();
const driver = new ImapDriver(
  { host: probe.host, port: probe.port, security: 'tls', user: probe.user, caCertPem: probe.caCertPem },
  probe.password,
  log,
);
// The core's pool (main/core/core.ts): default size, 96 MB heap per worker.
const pool = probe.stage === 'parse' ? createParserPool({ log, maxMemoryMb: 96 }) : null;
const scope = { since: null };
let messages = 0;
let pages = 0;
let bytes = 0;
const parsing = [];
try {
  // Junk and Trash are not synced by default (main/sync/account-runner.ts); the bench fills neither.
  const folders = (await driver.listFolders()).filter((folder) => folder.role !== 'junk' && folder.role !== 'trash');
  // Folder by folder, where the sync goes round the folders a visit of up to 8 pages at a time.
  for (const folder of folders) {
    let cursor = null;
    for (;;) {
      const page = await driver.fetchChanges(folder, cursor, scope, BUDGET, () => []);
      if (page === null) break;
      pages += 1;
      messages += page.upserts.length;
      for (const message of page.upserts) bytes += message.source.length;
      if (pool) {
        parsing.push(Promise.all(page.upserts.map((message) => pool.parseIdentified(message.source))));
        while (parsing.length >= PAGES_IN_FLIGHT) await parsing.shift();
      }
      if (!page.more) break;
      cursor = page.nextCursor;
    }
  }
  await Promise.all(parsing);
} finally {
  await pool?.close();
  await driver.close();
}
console.log(JSON.stringify({ stage: probe.stage, messages, pages, bytes }));
