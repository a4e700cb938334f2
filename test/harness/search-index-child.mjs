// An indexer process to kill: opens the store with the compiled code and indexes in small batches
// until caught up, then prints "done". Used by search-kill9.test.ts.
import { Store } from '../../out/main/store/store.js';

const [path, databaseKey, fieldKey, batch] = process.argv.slice(2);
const store = Store.open(
  path,
  { databaseKey: Buffer.from(databaseKey, 'hex'), fieldKey: Buffer.from(fieldKey, 'hex') },
  { create: false },
);
let announced = false;
while (store.search.indexBatch(Number(batch)) > 0) {
  // The parent times its kill from the first committed batch, not from process start-up.
  if (!announced) process.stdout.write('indexing\n');
  announced = true;
}
store.close();
process.stdout.write('done\n');
