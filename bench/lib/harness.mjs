// The test harness (test/harness/*.ts) from plain JavaScript, without a second copy of it and
// without a build step of its own: the few files the benchmarks need are transpiled (types
// stripped, nothing checked: `npm run lint` type-checks them as part of test/) into
// out/bench/harness/, inside the repo so that their `imapflow` import resolves to node_modules.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const HARNESS = fileURLToPath(new URL('../../test/harness/', import.meta.url));
// Two levels below the root, as test/harness is, so the files' own relative paths (../../out/...) hold.
const OUT = fileURLToPath(new URL('../../out/bench-harness/', import.meta.url));
const FILES = [
  'dovecot',
  'secret-service',
  'imap-client',
  'compiled',
  'cli',
  'chromium',
  'browser-mode',
  'temp-dir',
  'postgres',
];

let loaded;

/** The harness modules by camel-cased name ({ dovecot, secretService, chromium, ... }), transpiled fresh on each run. */
export function loadHarness() {
  loaded ??= (async () => {
    mkdirSync(OUT, { recursive: true });
    for (const name of FILES) {
      const { outputText } = ts.transpileModule(readFileSync(`${HARNESS}${name}.ts`, 'utf8'), {
        fileName: `${name}.ts`,
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          verbatimModuleSyntax: true,
        },
      });
      writeFileSync(`${OUT}${name}.js`, outputText);
    }
    const load = (name) => import(pathToFileURL(`${OUT}${name}.js`).href);
    const modules = await Promise.all(FILES.map(load));
    return Object.fromEntries(FILES.map((name, i) => [name.replace(/-(\w)/g, (_, c) => c.toUpperCase()), modules[i]]));
  })();
  return loaded;
}
