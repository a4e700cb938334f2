// Policy fetch on the team server against a bare Fastify route returning the same bytes (issue 7):
//   npm run build && node bench/policy-fetch.bench.mjs      (BENCH_POLICY_SECONDS=... to change)
//
// The real server (compiled out/server/main.js, as `npm run server` runs it) on SQLite in a temp
// dir, and on PostgreSQL in a private cluster when one can be started (test/harness/postgres.ts).
// An admin is bootstrapped through the setup token, a user is created, given the Sales rep role and
// logged in; one fetch gives the ETag, the signed policy and its headers. Then autocannon on
// loopback, the same connections and duration for each, a warm-up run first (discarded):
//   (a) GET /api/policy with If-None-Match = the ETag  → 304 (hit)
//   (b) GET /api/policy without it                       → 200 + the user's signed copy (miss; signed
//       anew only past half its lifetime or when the rights change: README, "Signed copies")
//   (c) a bare Fastify server (bench/lib/bare-policy-server.mjs) answering the same bytes and headers
// Target: (a) and (b) each ≥ 50% of (c)'s requests/s, comparing each case's median of BENCH_POLICY_ROUNDS
// rounds (default 3) taken in turn (hit, miss, bare; hit, miss, bare; ...).
// BENCH_POLICY_SERVER_NODE_ARGS passes node flags to the team server (e.g. --cpu-prof to profile it);
// BENCH_POLICY_SERVER_ROOT runs the server of another build (a copy of out/ with node_modules beside it).
// BENCH_POLICY_OUT=<name> writes bench/results/<name>.{json,md} instead (a second run kept apart).
import autocannon from 'autocannon';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadHarness } from './lib/harness.mjs';
import { codeState, load1, machine, packageVersion, ROOT } from './lib/machine.mjs';

const SECONDS = Number(process.env.BENCH_POLICY_SECONDS ?? 10);
const WARMUP_SECONDS = Math.max(1, Math.round(SECONDS / 5));
const CONNECTIONS = Number(process.env.BENCH_POLICY_CONNECTIONS ?? 10);
// Rounds of hit, miss, bare in turn; each case's median round is the figure. On a small shared VM
// one case's rate swings by a third from one run to the next (the bare route 15k-25k req/s): taking
// the three cases in turn, several times, lets each ratio compare cases measured side by side.
const ROUNDS = Math.max(1, Number(process.env.BENCH_POLICY_ROUNDS ?? 3));
const TARGET_RATIO = 0.5;
const OUT = process.env.BENCH_POLICY_OUT ?? 'policy-fetch';
// A quick look at one backend (BENCH_POLICY_BACKENDS=postgres); a full run measures both.
const BACKENDS = (process.env.BENCH_POLICY_BACKENDS ?? 'sqlite,postgres').split(',');
if (BACKENDS.length < 2 && OUT === 'policy-fetch') throw new Error('a run of one backend needs BENCH_POLICY_OUT');
const ADMIN = { email: 'admin@bench.test', password: 'a long passphrase for the bench admin' };
const REP = { email: 'rep@bench.test', password: 'a long passphrase for the bench rep' };
// Per connection, not per request: what must not be copied to the bare server's replies.
const HOP_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

const log = (...args) => console.log(`[policy-fetch ${new Date().toISOString().slice(11, 19)}]`, ...args);

/** A child that prints one JSON line (or a line matching `pattern`) when it is ready. */
function waitForLine(child, match, what) {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const lines = createInterface({ input: child.stdout });
    let seen = '';
    lines.on('line', (line) => {
      seen += `${line}\n`;
      const found = match(seen);
      if (found) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}): ${seen} ${stderr}`)));
  });
}

/** The team server as `npm run server` runs it (without npm's rebuild: `npm run bench` built it). */
async function startTeamServer(dataDir, databaseUrl) {
  const env = { ...process.env, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.CLIENTELE_SERVER_SECRET_KEY;
  // PostgreSQL needs a server secret key given (SQLite makes its own in the data dir).
  if (databaseUrl) {
    env.DATABASE_URL = databaseUrl;
    env.CLIENTELE_SERVER_SECRET_KEY = randomBytes(32).toString('base64');
  }
  // BENCH_POLICY_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server under load.
  const nodeArgs = (process.env.BENCH_POLICY_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // BENCH_POLICY_SERVER_ROOT=<dir with out/server> measures another build (an A/B against a copy).
  const serverRoot = process.env.BENCH_POLICY_SERVER_ROOT ?? ROOT;
  const args = [...nodeArgs, join(serverRoot, 'out/server/main.js'), '--data-dir', dataDir, '--port', '0'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = await waitForLine(
    child,
    (out) => {
      const url = /team server on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      const token = /\/setup#token=([\w-]+)/.exec(out)?.[1];
      return url && token ? { url, token } : null;
    },
    'the team server',
  );
  return { ...ready, stop: () => stopChild(child) };
}

async function startBareServer(body, headers) {
  const child = spawn(process.execPath, [`${ROOT}bench/lib/bare-policy-server.mjs`], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.write(`${JSON.stringify({ body, headers })}\n`);
  const { url } = await waitForLine(
    child,
    (out) => (out.includes('\n') ? JSON.parse(out.split('\n')[0]) : null),
    'the bare server',
  );
  return {
    url,
    stop: () => {
      const exited = stopChild(child, false);
      child.stdin.end('exit\n');
      return exited;
    },
  };
}

function stopChild(child, signal = true) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', resolve);
    if (signal) child.kill('SIGTERM');
  });
}

async function call(base, method, path, { token, body } = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text).value : undefined;
}

/** Admin through the setup token, a Sales rep user, logged in: the session the fetches use. */
async function provision(base, setupToken) {
  const admin = await call(base, 'POST', '/api/auth/bootstrap', { body: { token: setupToken, ...ADMIN } });
  const user = await call(base, 'POST', '/api/admin/users', { token: admin.token, body: REP });
  const roles = await call(base, 'GET', '/api/admin/roles', { token: admin.token });
  const salesRep = roles.find((role) => role.name === 'Sales rep');
  await call(base, 'PUT', `/api/admin/users/${user.id}/roles/${salesRep.id}`, { token: admin.token });
  const login = await call(base, 'POST', '/api/auth/login', { body: REP });
  return login.token;
}

/** One fetch without an ETag: the signed policy, its ETag and the headers the bare server replays. */
async function firstFetch(base, token) {
  const response = await fetch(`${base}/api/policy`, { headers: { authorization: `Bearer ${token}` } });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`policy fetch: ${response.status} ${body}`);
  const headers = Object.fromEntries([...response.headers].filter(([name]) => !HOP_HEADERS.has(name)));
  const etag = response.headers.get('etag');
  const again = await fetch(`${base}/api/policy`, {
    headers: { authorization: `Bearer ${token}`, 'if-none-match': etag },
  });
  await again.arrayBuffer();
  if (again.status !== 304) throw new Error(`the ETag did not give 304 but ${again.status}`);
  return { body, headers, etag };
}

function runCannon(url, headers, duration) {
  return new Promise((resolve, reject) => {
    autocannon({ url, headers, connections: CONNECTIONS, duration, pipelining: 1 }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

/** A warm-up run (discarded), then the measured one. */
async function measure(name, url, headers, expectedStatus) {
  await runCannon(url, headers, WARMUP_SECONDS);
  const loadBefore = load1();
  const result = await runCannon(url, headers, SECONDS);
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count]),
  );
  const unexpected = Object.entries(statusCodes)
    .filter(([code]) => Number(code) !== expectedStatus)
    .reduce((sum, [, count]) => sum + count, 0);
  const figures = {
    name,
    expectedStatus,
    requestsPerSecond: Math.round(result.requests.average),
    requests: result.requests.total,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, mean: result.latency.mean },
    throughputBytesPerSecond: Math.round(result.throughput.average),
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
    unexpectedStatus: unexpected,
    load1: { before: loadBefore, after: load1() },
  };
  log(
    `  ${name}: ${figures.requestsPerSecond} req/s, p50 ${figures.latencyMs.p50} ms, p99 ${figures.latencyMs.p99} ms,`,
    `status ${JSON.stringify(statusCodes)}, errors ${figures.errors}`,
  );
  return figures;
}

async function benchBackend(backend, databaseUrl) {
  const dataDir = mkdtempSync(join(tmpdir(), `policy-bench-${backend}-`));
  const server = await startTeamServer(dataDir, databaseUrl);
  let bare;
  try {
    const token = await provision(server.url, server.token);
    const first = await firstFetch(server.url, token);
    bare = await startBareServer(first.body, first.headers);
    const auth = { authorization: `Bearer ${token}` };
    log(`${backend}: team server ${server.url}, bare ${bare.url}, JWS ${first.body.length} bytes`);
    const rounds = [];
    for (let index = 1; index <= ROUNDS; index += 1) {
      log(`  round ${index} of ${ROUNDS}`);
      rounds.push({
        hit: await measure('hit', `${server.url}/api/policy`, { ...auth, 'if-none-match': first.etag }, 304),
        miss: await measure('miss', `${server.url}/api/policy`, auth, 200),
        bare: await measure('bare', `${bare.url}/api/policy`, auth, 200),
      });
    }
    const hit = medianRound(rounds.map((r) => r.hit));
    const miss = medianRound(rounds.map((r) => r.miss));
    const peer = medianRound(rounds.map((r) => r.bare));
    const hitRatio = hit.requestsPerSecond / peer.requestsPerSecond;
    const missRatio = miss.requestsPerSecond / peer.requestsPerSecond;
    const allClean = rounds.every((r) => clean(r.hit) && clean(r.miss) && clean(r.bare));
    return {
      backend,
      jwsBytes: first.body.length,
      replayedHeaders: first.headers,
      hit,
      miss,
      bare: peer,
      rounds,
      ratios: {
        hitVsBare: round(hitRatio),
        missVsBare: round(missRatio),
        // Each round's own ratios, to show the spread.
        perRound: rounds.map((r) => ({
          hitVsBare: round(r.hit.requestsPerSecond / r.bare.requestsPerSecond),
          missVsBare: round(r.miss.requestsPerSecond / r.bare.requestsPerSecond),
        })),
      },
      targetMet: hitRatio >= TARGET_RATIO && missRatio >= TARGET_RATIO && allClean,
    };
  } finally {
    await bare?.stop();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The round whose rate is the median (the lower middle one for an even count). */
function medianRound(figures) {
  const sorted = [...figures].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

const clean = (figures) => figures.errors === 0 && figures.timeouts === 0 && figures.unexpectedStatus === 0;
const round = (ratio) => Math.round(ratio * 1000) / 1000;
const percent = (ratio) => `${(ratio * 100).toFixed(1)}%`;

const runs = [];
const skipped = [];
if (BACKENDS.includes('sqlite')) runs.push(await benchBackend('sqlite'));
let cluster;
try {
  if (BACKENDS.includes('postgres')) {
    const { postgres } = await loadHarness();
    cluster = await postgres.startPostgres();
  }
} catch (error) {
  skipped.push({ backend: 'postgres', reason: error instanceof Error ? error.message : String(error) });
  log(`postgres skipped: ${skipped[0].reason}`);
}
if (cluster) {
  try {
    runs.push(await benchBackend('postgres', await cluster.createDatabase('policy_bench')));
  } finally {
    cluster.stop();
  }
}

const result = {
  benchmark: 'policy-fetch',
  at: new Date().toISOString(),
  ...codeState(),
  // codeState looks at main/ and common/; what is measured here is server/.
  uncommittedInServer: spawnSync('git', ['status', '--porcelain', '--', 'server'], { cwd: ROOT, encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean),
  machine: machine({ postgres: ['bash', ['-c', 'ls /usr/lib/postgresql | sort -n | tail -1']] }),
  tools: { autocannon: packageVersion('autocannon'), fastify: packageVersion('fastify') },
  settings: {
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    connections: CONNECTIONS,
    rounds: ROUNDS,
    pipelining: 1,
    serverLogLevel: 'warn',
    serverRoot: process.env.BENCH_POLICY_SERVER_ROOT ?? null,
  },
  target: { ratio: TARGET_RATIO, of: 'hit and miss requests/s each vs the bare route, with no errors' },
  runs,
  skipped,
  targetMet: runs.length > 0 && runs.every((run) => run.targetMet),
};

const md = [
  '# Policy fetch vs a bare Fastify route',
  '',
  `Run ${result.at} on commit ${result.commit}${result.uncommittedInServer.length ? ' plus uncommitted changes in server/' : ''}.`,
  `autocannon ${result.tools.autocannon} on loopback, ${CONNECTIONS} connections, ${SECONDS} s per case after a`,
  `${WARMUP_SECONDS} s warm-up, in ${ROUNDS} rounds of hit, miss and bare in turn; each case's figure is its median round,`,
  "the ratios compare the medians (each round's own ratios follow the table).",
  `The team server is out/server/main.js (LOG_LEVEL=warn) in its own process; the bare`,
  `peer is Fastify ${result.tools.fastify} in another, replaying the same JWS bytes and headers. Hit = If-None-Match`,
  'with the current ETag (304); miss = no ETag (200 with the signed copy kept in the database).',
  ...(result.settings.serverRoot ? ['', `Server measured: the build in ${result.settings.serverRoot}.`] : []),
  '',
  `**Machine:** ${result.machine.cpu}, ${result.machine.cores} cores, ${result.machine.ramGb} GB RAM, ${result.machine.kernel}` +
    ` (${result.machine.os}); Node ${result.machine.node}; PostgreSQL ${result.machine.postgres ?? '—'}.`,
  '',
  '| Backend | Case | Requests/s (median) | Rounds (req/s) | p50 ms | p99 ms | Status codes | Errors | vs bare | Load (1 min) |',
  '| --- | --- | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: |',
  ...runs.flatMap((run) =>
    [
      [run.hit, percent(run.ratios.hitVsBare)],
      [run.miss, percent(run.ratios.missVsBare)],
      [run.bare, '—'],
    ].map(
      ([figures, ratio]) =>
        `| ${run.backend} | ${figures.name} | ${figures.requestsPerSecond} | ` +
        `${run.rounds.map((r) => r[figures.name].requestsPerSecond).join(', ')} | ${figures.latencyMs.p50} | ${figures.latencyMs.p99} | ` +
        `${Object.entries(figures.statusCodes)
          .map(([code, count]) => `${code}×${count}`)
          .join(' ')} | ${figures.errors + figures.timeouts} | ${ratio} | ${figures.load1.before} |`,
    ),
  ),
  '',
  ...runs.map(
    (run) =>
      `Each round's own ratios, ${run.backend}: ` +
      run.ratios.perRound
        .map((r, index) => `round ${index + 1} hit ${percent(r.hitVsBare)} / miss ${percent(r.missVsBare)}`)
        .join('; ') +
      '.',
  ),
  '',
  '## Target',
  '',
  `Hit and miss each ≥ ${percent(TARGET_RATIO)} of the bare route's requests/s, no errors:`,
  ...runs.map(
    (run) =>
      `- ${run.backend}: hit ${percent(run.ratios.hitVsBare)}, miss ${percent(run.ratios.missVsBare)}: **${run.targetMet ? 'met' : 'missed'}**`,
  ),
  ...skipped.map((skip) => `- ${skip.backend}: not measured (${skip.reason})`),
  '',
].join('\n');

mkdirSync(`${ROOT}bench/results`, { recursive: true });
writeFileSync(`${ROOT}bench/results/${OUT}.json`, `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(`${ROOT}bench/results/${OUT}.md`, md);
log(`target ${result.targetMet ? 'met' : 'missed'}; results in bench/results/${OUT}.{json,md}`);
process.exit(result.targetMet ? 0 : 1);
