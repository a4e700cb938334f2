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
// And from the first page this run commits (the folders' stored counts, kept by the sync in its own
// transactions, above where this run started: a resumed run starts with some), so a kill timed after
// it lands mid-sync with new progress behind it, however slow a loaded machine makes that page.
const stored = async () => {
  const status = await core.dispatch({ transport: 'in-process' }, 'sync.status', {});
  if (!status.ok) return null;
  return status.value.reduce((sum, account) => sum + account.folders.reduce((n, folder) => n + folder.done, 0), 0);
};
const before = await stored();
const watch = setInterval(() => {
  void stored().then((now) => {
    if (now === null || before === null || now <= before) return;
    clearInterval(watch);
    process.stdout.write('committed\n');
  });
}, 20);
const result = await core.dispatch({ transport: 'in-process' }, 'sync.run', { wait: true });
clearInterval(watch);
await core.close();
process.stdout.write(result.ok ? 'done\n' : `failed ${JSON.stringify(result.error)}\n`);
process.exit(result.ok ? 0 : 1);
