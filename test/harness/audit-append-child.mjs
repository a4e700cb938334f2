// One server instance's worth of audit appends, in its own process: two of these on one database
// are what "two instances never fork the chain" means (on SQLite, two processes on one file; in one
// process two synchronous SQLite connections would only block each other). Used by server-audit.test.ts.
import { recordAudit } from '../../out/server/audit/audit-log.js';
import { openDatabase } from '../../out/server/db/database.js';

const [kind, location, label, count] = process.argv.slice(2);
const database = openDatabase(kind === 'postgres' ? { kind, url: location } : { kind: 'sqlite', file: location });
try {
  for (let i = 0; i < Number(count); i += 1) {
    await recordAudit(database.db, {
      action: 'test.concurrent',
      actorUserId: null,
      at: Date.now(),
      details: { label, i },
    });
  }
} finally {
  await database.close();
}
process.stdout.write('done\n');
