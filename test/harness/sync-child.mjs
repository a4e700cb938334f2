// A sync process to kill: opens the profile with the compiled core, syncs once with small pages
// (many commits, many places to die), prints "done" and exits. Used by imap-kill9.test.ts.
import { startCore } from '../../out/main/core/core.js';
import { silentLogger } from '../../out/main/util/logger.js';

const [dataDir, pageSize] = process.argv.slice(2);
const core = await startCore({
  dataDir,
  log: silentLogger(),
  sync: { budget: { maxMessages: Number(pageSize ?? 20), maxBytes: 1 << 20 } },
});
// The parent times its kill from here, so start-up time (slow on a loaded machine) does not decide
// whether the kill lands before, during or after the sync.
process.stdout.write('syncing\n');
const result = await core.dispatch({ transport: 'in-process' }, 'sync.run', { wait: true });
await core.close();
process.stdout.write(result.ok ? 'done\n' : `failed ${JSON.stringify(result.error)}\n`);
process.exit(result.ok ? 0 : 1);
