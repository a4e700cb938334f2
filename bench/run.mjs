// `npm run bench`: runs every bench/*.bench.mjs in turn. Each benchmark runs its peer in the
// same run and writes figures, the ratio and the machine description to bench/results/.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const benches = readdirSync(dir)
  .filter((name) => name.endsWith('.bench.mjs'))
  .sort();
if (benches.length === 0) {
  console.log('No benchmarks yet: the first (IMAP sync against mbsync) comes with the IMAP sync work.');
  process.exit(0);
}
let failed = 0;
for (const bench of benches) {
  console.log(`== ${bench}`);
  const run = spawnSync(process.execPath, [`${dir}/${bench}`], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
