// Gmail and Microsoft 365 initial sync against the fakes enforcing the providers' published limits,
// through the real engine, the real googleapis / Graph clients, OAuth and the encrypted store:
//   npm run build && node bench/api-sync.bench.mjs     (BENCH_API_MESSAGES=2000 for a quick run)
//
// The limits are the published ones with their windows divided by BENCH_API_TIME_SCALE (default
// 10): Gmail 15,000 quota units per 6 s instead of per minute, Graph 10,000 requests per minute
// instead of per 10 minutes, 4 concurrent. The ratio to the ceiling does not depend on the scale;
// at scale 1 the same 20,000 messages would take about 7 minutes (Gmail) and 20 (Graph).
//
// For each provider: the achieved rate, the ceiling the limits allow for the requests the sync
// made (a sliding window starts empty: the first window's budget is spent at once, then one window
// per budget), requests refused for a limit (must be 0: the governor keeps the client under it),
// and peak concurrency. Results with the machine description in bench/results/api-sync.*.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadHarness } from './lib/harness.mjs';
import { codeState, load1, machine, packageVersion, ROOT } from './lib/machine.mjs';

const N = Number(process.env.BENCH_API_MESSAGES ?? 20_000);
const SCALE = Number(process.env.BENCH_API_TIME_SCALE ?? 10);
if (!Number.isInteger(N) || N < 100) throw new Error('BENCH_API_MESSAGES must be a whole number ≥ 100');
const RESULTS = join(ROOT, 'bench/results');
const TARGET = 0.9;

const GMAIL_LIMIT = { units: 15_000, windowMs: 60_000 / SCALE };
const GRAPH_LIMIT = { requests: 10_000, windowMs: 600_000 / SCALE, concurrent: 4 };

const log = (...args) => console.log(`[api-sync ${new Date().toISOString().slice(11, 19)}]`, ...args);

const { compiled, secretService } = await loadHarness();
compiled.assertBuildIsCurrent();
const { startCore } = await import('../out/main/core/core.js');
const { silentLogger } = await import('../out/main/util/logger.js');
const { RateGovernor } = await import('../out/main/sync/rate-governor.js');
const { GRAPH_SCOPES } = await import('../out/main/sync/oauth/providers.js');

const cleanups = [];
const cleanUp = async () => {
  for (const step of cleanups.splice(0).reverse()) await Promise.resolve(step()).catch(() => undefined);
};
process.on('SIGINT', () => void cleanUp().finally(() => process.exit(130)));

/** The fakes in their own process. */
async function startFakes() {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./lib/api-fakes.mjs', import.meta.url))], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  cleanups.push(() => child.kill('SIGKILL'));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  child.stdin.write(
    `${JSON.stringify({
      messages: N,
      gmail: { quotaUnits: GMAIL_LIMIT.units, quotaWindowMs: GMAIL_LIMIT.windowMs },
      graph: {
        windowLimit: GRAPH_LIMIT.requests,
        windowMs: GRAPH_LIMIT.windowMs,
        maxConcurrent: GRAPH_LIMIT.concurrent,
      },
      graphScopes: GRAPH_SCOPES,
    })}\n`,
  );
  const endpoints = JSON.parse((await lines.next()).value);
  return {
    endpoints,
    async stats() {
      child.stdin.write('stats\n');
      return JSON.parse((await lines.next()).value);
    },
    reset: () => child.stdin.write('reset\n'),
    stop: () => child.stdin.write('exit\n'),
  };
}

/** The authorization server consents at once: follow its redirect to the core's loopback listener. */
async function playBrowser(authorizationUrl) {
  const consent = await fetch(authorizationUrl, { redirect: 'manual' });
  const location = consent.headers.get('location');
  if (consent.status !== 302 || !location) throw new Error(`no consent redirect (${consent.status})`);
  await (await fetch(location, { redirect: 'manual' })).text();
}

function ok(result, what) {
  if (!result.ok) throw new Error(`${what}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

/**
 * Shortest time a sliding-window limit allows for `spent` (units or requests), starting empty:
 * a whole budget can go at once, and what was spent at t is free again at t + window, so the
 * k-th budget's worth can start at (k - 1) windows at the earliest.
 */
function ceilingMs(spent, budget, windowMs) {
  return Math.max(0, Math.ceil(spent / budget) - 1) * windowMs;
}

async function main() {
  const results = {
    benchmark: 'api-sync',
    date: new Date().toISOString(),
    code: codeState(),
    machine: {
      ...machine(),
      googleapis: packageVersion('googleapis'),
      graphClient: packageVersion('@microsoft/microsoft-graph-client'),
    },
    messages: N,
    timeScale: SCALE,
    limits: { gmail: GMAIL_LIMIT, graph: GRAPH_LIMIT },
  };
  log(`N=${N}, windows / ${SCALE}; filling the fakes`);
  const keyring = await secretService.startSecretService('unlocked');
  cleanups.push(() => keyring.stop());
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
  let started = Date.now();
  const fakes = await startFakes();
  cleanups.push(() => fakes.stop());
  results.fillMs = Date.now() - started;

  const work = mkdtempSync(join(os.tmpdir(), 'clientele-api-bench-'));
  cleanups.push(() => rmSync(work, { recursive: true, force: true }));
  // The client governors use the same scale, with the margins of the defaults (61 s, 660 s).
  const governor = (kind) =>
    kind === 'gmail'
      ? new RateGovernor({
          units: GMAIL_LIMIT.units,
          windowMs: (61_000 / 60_000) * GMAIL_LIMIT.windowMs,
          maxConcurrent: 4,
        })
      : kind === 'graph'
        ? new RateGovernor({
            units: GRAPH_LIMIT.requests,
            windowMs: (660_000 / 600_000) * GRAPH_LIMIT.windowMs,
            maxConcurrent: GRAPH_LIMIT.concurrent,
          })
        : null;
  const core = await startCore({
    dataDir: join(work, 'profile'),
    log: silentLogger(),
    sync: { governor },
    oauth: {
      env: {},
      providers: { gmail: fakes.endpoints.gmail, graph: fakes.endpoints.graph },
    },
  });
  cleanups.push(() => core.close());
  const call = async (method, input = {}) =>
    ok(await core.dispatch({ transport: 'in-process' }, method, input), method);
  await call('profile.create', { displayName: 'Bench' });
  await call('settings.update', { backfillMonths: null });

  for (const provider of ['gmail', 'graph']) {
    const begun = await call('accounts.beginOAuth', { provider });
    await playBrowser(begun.authorizationUrl);
    const account = await call('accounts.completeOAuth', { flowId: begun.flowId });
    fakes.reset();
    log(`${provider}: sync of ${N} messages`);
    const loadBefore = load1();
    started = Date.now();
    const [status] = (await call('sync.run', { accountId: account.id, wait: true })).filter(
      (s) => s.accountId === account.id,
    );
    const wallMs = Date.now() - started;
    const stats = (await fakes.stats())[provider];
    const spent = provider === 'gmail' ? stats.units : stats.requests;
    const budget = provider === 'gmail' ? GMAIL_LIMIT.units : GRAPH_LIMIT.requests;
    const windowMs = provider === 'gmail' ? GMAIL_LIMIT.windowMs : GRAPH_LIMIT.windowMs;
    const ceiling = ceilingMs(spent, budget, windowMs);
    const refused =
      provider === 'gmail'
        ? stats.overQuota
        : stats.throttledConcurrency + stats.throttledWindow + stats.acceptedOverLimit;
    results[provider] = {
      wallMs,
      stored: status.messages,
      lastError: status.lastError,
      messagesPerSecond: Math.round((N / wallMs) * 1000),
      spent,
      spentPerMessage: Math.round((spent / N) * 100) / 100,
      ceilingMs: Math.round(ceiling),
      rateVsCeiling: ceiling > 0 ? Math.round((ceiling / wallMs) * 1000) / 1000 : null,
      // The same against the limit's long-run rate (budget per window): above 1 when the first
      // window's burst is a large part of the run.
      rateVsSteadyLimit: Math.round((spent / budget / (wallMs / windowMs)) * 1000) / 1000,
      refusedForLimits: refused,
      peakConcurrency: stats.peakConcurrency ?? null,
      stats,
      loadAvgBefore: loadBefore,
    };
    log(provider, JSON.stringify({ ...results[provider], stats: undefined }));
  }
  results.loadAvgAtEnd = load1();
  mkdirSync(RESULTS, { recursive: true });
  const base = N === 20_000 ? 'api-sync' : `api-sync-n${N}`;
  writeFileSync(join(RESULTS, `${base}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(RESULTS, `${base}.md`), report(results));
  log(`results: bench/results/${base}.json, bench/results/${base}.md`);
}

function report(r) {
  const row = (name, x, unit) =>
    `| ${name} | ${(x.wallMs / 1000).toFixed(1)} s | ${x.messagesPerSecond} | ${x.spent} ${unit} (${x.spentPerMessage}/message) | ${(x.ceilingMs / 1000).toFixed(1)} s | **${x.rateVsCeiling === null ? '—' : `${(x.rateVsCeiling * 100).toFixed(1)}%`}** | ${(x.rateVsSteadyLimit * 100).toFixed(1)}% | ${x.refusedForLimits} | ${x.peakConcurrency ?? '—'} | ${x.stored}${x.lastError ? ` (${x.lastError.code})` : ''} |`;
  const met = (x) =>
    x.rateVsCeiling !== null && x.rateVsCeiling >= TARGET && x.refusedForLimits === 0 ? 'met' : '**missed**';
  return `# Gmail and Microsoft 365 initial sync at the providers' limits

Run ${r.date} on commit ${r.code.commit}${r.code.uncommittedInMainOrCommon.length ? ' plus uncommitted changes' : ''}.
${r.messages} messages per provider (one Inbox), synced by the engine through OAuth, the real
googleapis / Microsoft Graph clients and the encrypted store, against the fakes (test/fakes)
in a process of their own.

**Machine:** ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.ramGb} GB RAM, ${r.machine.kernel} (${r.machine.os}); Node ${r.machine.node}; googleapis ${r.machine.googleapis}; @microsoft/microsoft-graph-client ${r.machine.graphClient}.

**Limits:** the published ones with every window divided by ${r.timeScale}: Gmail ${r.limits.gmail.units} quota units
per ${r.limits.gmail.windowMs / 1000} s per user (messages.get 5, messages.list 5, ...); Graph ${r.limits.graph.requests} requests per
${r.limits.graph.windowMs / 1000} s per mailbox, ${r.limits.graph.concurrent} concurrent. The fakes refuse with 429 + Retry-After
whatever goes over. The ceiling is the shortest time the limit allows for what the sync spent,
starting from an empty sliding window: (⌈spent / budget⌉ − 1) windows (a budget can go at once,
and what was spent frees up one window later). "Vs steady limit" compares the spending rate with
budget / window instead.

| Provider | Wall time | Messages/s | Spent | Ceiling | Rate vs ceiling | Vs steady limit | Refused for a limit | Peak concurrency | Stored |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${row('Gmail', r.gmail, 'units')}
${row('Microsoft 365 (Graph)', r.graph, 'requests')}

At scale 1 the same limits mean Gmail ${Math.round(r.limits.gmail.units / 60 / 5)} messages/s (messages.get only) and Graph ${Math.round((r.limits.graph.requests / 600) * 10) / 10} requests/s.

## Targets

| Target | Goal | Gmail | Graph |
| --- | --- | --- | --- |
| Rate vs ceiling, nothing refused | ≥ ${TARGET * 100}%, 0 refused | ${met(r.gmail)} | ${met(r.graph)} |
| Concurrency | ≤ ${r.limits.graph.concurrent} | — | ${r.graph.peakConcurrency !== null && r.graph.peakConcurrency <= r.limits.graph.concurrent ? 'met' : '**missed**'} |

Load average: Gmail ${r.gmail.loadAvgBefore}, Graph ${r.graph.loadAvgBefore} before each run; ${r.loadAvgAtEnd} at the end.
`;
}

try {
  await main();
} finally {
  await cleanUp();
}
