// IMAP initial sync against its peers, in one run.
//
//   npm run build && node bench/imap-sync.bench.mjs      (BENCH_MESSAGES=2000 for a quick run)
//
// 1. a private Dovecot (test/harness/dovecot.ts) with a generated, deterministic mailbox of N
//    messages in 12 folders, written as Maildir files;
// 2. peer: mbsync (isync) pulling the whole mailbox into a fresh Maildir;
// 3. ceiling: a bare imapflow loop fetching what Clientele fetches and storing nothing;
// 4. Clientele: `clientele sync --once` on a fresh profile, wall time and peak RSS, stored count;
//    2 to 4 in turn, BENCH_IMAP_ROUNDS times (default 3): each client's median round is its figure;
//    and in each round, where Clientele's time goes (bench/lib/stage-probe.mjs): its IMAP driver
//    alone (fetch, nothing parsed or stored), then fetch and parse (nothing stored), each a process
//    of its own like `sync --once`;
// 5. the first `clientele search` on the synced profile, which indexes the whole mailbox first;
// 6. IDLE push latency of the background sync (bench/lib/idle-probe.mjs), 30 APPENDs;
// 7. results and the machine description to bench/results/imap-sync.{json,md}.
// Every client's CPU time and the whole machine's during its run are recorded too.
// Everything runs in temp dirs that are removed at the end, on failure and on Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { chmodSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadHarness } from './lib/harness.mjs';
import { codeState, load1, machine, machineCpuMs, packageVersion, processCpuMs } from './lib/machine.mjs';
import { FOLDERS, generateMaildir } from './lib/mailbox.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin/clientele.js');
const STAGE_PROBE = join(ROOT, 'bench/lib/stage-probe.mjs');
// The command runs as its shebang says (`#!/usr/bin/env -S node <flags>`): with the core's Node flags
// (main/core/core-node-flags.ts), as `clientele sync` does in a terminal.
const CLI_NODE_FLAGS = readFileSync(CLI, 'utf8').split('\n')[0].split(' node ')[1]?.split(' ').filter(Boolean) ?? [];
const RESULTS = join(ROOT, 'bench/results');
const DEFAULT_MESSAGES = 50_000;
const N = Number(process.env.BENCH_MESSAGES ?? DEFAULT_MESSAGES);
if (!Number.isInteger(N) || N < 100) throw new Error('BENCH_MESSAGES must be a whole number ≥ 100');
/** Each timed step may take this long before it is killed and the bench fails. */
const STEP_TIMEOUT_MS = Math.max(180_000, N * 20);
/** The whole run, set-up and clean-up included. */
const TOTAL_TIMEOUT_MS = 6 * STEP_TIMEOUT_MS;
const IDLE_ROUNDS = 30;
// Rounds of mbsync, raw imapflow and Clientele in turn (BENCH_IMAP_ROUNDS; the median round of each is
// the figure, every round is listed).
const ROUNDS = Math.max(1, Number(process.env.BENCH_IMAP_ROUNDS ?? 3));
const MBSYNC_CONFIG_NOTE =
  'SSLType IMAPS, Patterns *, Create Near, Sync Pull, SyncState *, defaults otherwise (FSync yes)';
const SOURCE_MAX_BYTES = 256 * 1024; // what Clientele's IMAP driver fetches of each message
const TARGETS = { wallVsMbsync: 1.0, rateVsRaw: 0.7, idleP95Ms: 1000, peakRssMb: 300 };
/** A word of the generated mail's vocabulary (bench/lib/mailbox.mjs), in a good share of the bodies. */
const SEARCH_WORD = 'invoice';

const log = (...args) => console.log(`[imap-sync ${new Date().toISOString().slice(11, 19)}]`, ...args);

// ---- clean-up: every process we start and every temp dir, whatever happens -------------------
const children = new Set();
const cleanups = [];
let cleaning = null;
function cleanUp() {
  cleaning ??= (async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch (error) {
        console.error('clean-up step failed:', error);
      }
    }
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  });
}
const deadline = setTimeout(() => {
  console.error(`The benchmark did not finish within ${TOTAL_TIMEOUT_MS / 1000} s: stopping.`);
  void cleanUp().finally(() => process.exit(1));
}, TOTAL_TIMEOUT_MS);
deadline.unref();

// ---- helpers -----------------------------------------------------------------------------------
/** VmHWM/VmRSS of a live process, in kB (null once it is gone). */
function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { hwm: field('VmHWM'), rss: field('VmRSS') };
  } catch {
    return null;
  }
}

/**
 * Runs a command to completion: wall time from spawn to exit, peak RSS (VmHWM, the kernel's own
 * high-water mark) and CPU time (every thread), both read every 100 ms while the process lives (the
 * CPU of its last 100 ms is not counted), the machine's busy CPU meanwhile (machineCpuMs), output.
 * Killed after timeoutMs.
 */
function run(command, args, { env = process.env, input = '', timeoutMs = STEP_TIMEOUT_MS, what = command } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const machineBefore = machineCpuMs();
    let machineMs = 0;
    let cpuMs = 0;
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    let wallMs = 0;
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-20_000)));
    const sample = () => {
      const memory = memoryOf(child.pid);
      if (memory) peakKb = Math.max(peakKb, memory.hwm, memory.rss);
      cpuMs = processCpuMs(child.pid) ?? cpuMs;
    };
    const sampler = setInterval(sample, 100);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not finish within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearInterval(sampler);
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', () => {
      wallMs = performance.now() - started;
      machineMs = machineCpuMs() - machineBefore;
      clearInterval(sampler);
      clearTimeout(timer);
    });
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, wallMs, peakRssKb: peakKb, cpuMs, machineCpuMs: machineMs, stdout, stderr });
    });
    sample();
    child.stdin.end(input);
  });
}

function mustSucceed(result, what) {
  if (result.code !== 0) {
    throw new Error(
      `${what} failed (exit ${result.code ?? result.signal}):\n${result.stderr}\n${result.stdout}`.trim(),
    );
  }
  return result;
}

function countMaildirMessages(root) {
  let count = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const path = join(dir, entry.name);
      if (entry.name === 'cur' || entry.name === 'new') count += readdirSync(path).length;
      else if (entry.name !== 'tmp') walk(path);
    }
  };
  walk(root);
  return count;
}

function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

// ---- the benchmark -----------------------------------------------------------------------------
async function main() {
  const { dovecot: dovecotHarness, secretService, imapClient, compiled } = await loadHarness();
  // A stale out/ would measure old code (the same check as the tests that run the compiled core).
  compiled.assertBuildIsCurrent();
  for (const tool of ['mbsync', 'dovecot']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      throw new Error(`${tool} is needed: apt-get install -y isync dovecot-imapd`);
    }
  }
  const results = {
    benchmark: 'imap-sync',
    date: new Date().toISOString(),
    code: codeState(),
    machine: {
      ...machine({ dovecot: ['dovecot', ['--version']], mbsync: ['mbsync', ['--version']] }),
      imapflow: packageVersion('imapflow'),
    },
    messages: N,
  };
  log(`N=${N}; machine:`, JSON.stringify(results.machine));

  const work = mkdtempSync(join(os.tmpdir(), 'clientele-bench-'));
  chmodSync(work, 0o700);
  cleanups.push(() => rmSync(work, { recursive: true, force: true }));

  log('starting Dovecot and the private keyring');
  const dovecot = await dovecotHarness.startDovecot();
  cleanups.push(() => dovecot.stop());
  const keyring = await secretService.startSecretService('unlocked');
  cleanups.push(() => keyring.stop());
  const alice = dovecot.users[0];

  // 1. The mailbox.
  let started = performance.now();
  const home = join(dovecot.dir, 'mail', alice.user);
  const mailbox = generateMaildir({
    maildir: join(home, 'Maildir'),
    count: N,
    owner: 'nobody:nogroup',
    chownRoot: home,
  });
  results.mailbox = {
    folders: FOLDERS.length,
    perFolder: mailbox.folders,
    bytesOnDisk: mailbox.bytes,
    rfc822Bytes: mailbox.rfc822Bytes,
    generatedInMs: Math.round(performance.now() - started),
  };
  log(
    `mailbox: ${N} messages, ${(mailbox.rfc822Bytes / 1024 ** 2).toFixed(0)} MB, in ${results.mailbox.generatedInMs} ms`,
  );

  // The raw loop: connect, LIST, then per folder EXAMINE + one UID FETCH 1:* of what Clientele fetches.
  const rawPass = async () => {
    const begin = performance.now();
    const cpuBefore = process.cpuUsage();
    const machineBefore = machineCpuMs();
    const client = await imapClient.connectImap(dovecot);
    let messages = 0;
    let bytes = 0;
    try {
      const folders = (await client.list()).filter((entry) => !entry.flags.has('\\Noselect'));
      for (const folder of folders) {
        const box = await client.mailboxOpen(folder.path, { readOnly: true });
        if (box.exists === 0) continue;
        const query = {
          uid: true,
          flags: true,
          internalDate: true,
          size: true,
          source: { maxLength: SOURCE_MAX_BYTES },
        };
        for await (const message of client.fetch('1:*', query, { uid: true })) {
          messages += 1;
          bytes += message.source?.length ?? 0;
        }
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
    const cpu = process.cpuUsage(cpuBefore);
    return {
      wallMs: performance.now() - begin,
      cpuMs: (cpu.user + cpu.system) / 1000,
      machineCpuMs: machineCpuMs() - machineBefore,
      messages,
      bytes,
    };
  };

  // Dovecot indexes Maildir files on first access: one untimed pass so that no measured client
  // pays for it, and the page cache is equally warm for all three.
  log('warm-up: first access (Dovecot builds its indexes)');
  const warm = await rawPass();
  results.warmUp = { wallMs: Math.round(warm.wallMs), messages: warm.messages };
  if (warm.messages !== N) throw new Error(`Dovecot serves ${warm.messages} messages, expected ${N}`);

  // 2-4, in rounds: mbsync, the raw loop and Clientele in turn, ROUNDS times. On this kind of shared
  // VM one client's time swings by a third between runs; side by side in each round, and the median
  // round of each, the ratios compare like with like.
  const mbsyncDir = join(work, 'mbsync');
  mkdirSync(join(mbsyncDir, 'mail'), { recursive: true });
  const mbsyncConfig = join(mbsyncDir, 'mbsyncrc');
  writeFileSync(
    mbsyncConfig,
    [
      'IMAPAccount bench',
      'Host localhost',
      `Port ${dovecot.imapsPort}`,
      `User ${alice.user}`,
      `Pass ${alice.password}`,
      'SSLType IMAPS',
      `CertificateFile ${dovecot.caCertPath}`,
      '',
      'IMAPStore remote',
      'Account bench',
      '',
      'MaildirStore local',
      `Path ${mbsyncDir}/mail/`,
      `Inbox ${mbsyncDir}/mail/INBOX`,
      'SubFolders Verbatim',
      '',
      'Channel bench',
      'Far :remote:',
      'Near :local:',
      'Patterns *',
      'Create Near',
      'Sync Pull',
      'SyncState *',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const rounds = [];
  let dataDir;
  let env;
  for (let n = 1; n <= ROUNDS; n++) {
    log(`round ${n} of ${ROUNDS}`);
    const mbsyncRound = await runMbsync(mbsyncDir, mbsyncConfig);
    const rawRound = await runRaw(rawPass);
    const stages = {};
    for (const stage of ['fetch', 'parse']) stages[stage] = await runStage(stage, dovecot, alice, rawRound);
    dataDir = join(work, `profile-${n}`);
    env = keyring.env;
    const clienteleRound = await runClientele(dataDir, env, dovecot, alice);
    rounds.push({
      mbsync: mbsyncRound,
      rawImapflow: rawRound,
      clientele: clienteleRound,
      stages,
      ratios: {
        clienteleWallVsMbsync: round3(clienteleRound.wallMs / mbsyncRound.wallMs),
        clienteleRateVsRawImapflow: round3(clienteleRound.messagesPerSecond / rawRound.messagesPerSecond),
      },
    });
    // Only the last round's profile is kept: the IDLE probe runs on it.
    if (n < ROUNDS) rmSync(dataDir, { recursive: true, force: true });
  }
  results.rounds = rounds;
  results.mbsync = { ...medianRound(rounds.map((r) => r.mbsync)), config: MBSYNC_CONFIG_NOTE };
  results.rawImapflow = {
    ...medianRound(rounds.map((r) => r.rawImapflow)),
    fetch: `UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[]<0.${SOURCE_MAX_BYTES}>) per folder, one connection, nothing stored`,
  };
  // Peak RSS is the highest of any round (a target on a peak takes the worst seen), the rest the median.
  results.clientele = {
    ...medianRound(rounds.map((r) => r.clientele)),
    peakRssMb: Math.max(...rounds.map((r) => r.clientele.peakRssMb)),
    nodeFlags: CLI_NODE_FLAGS,
  };
  results.stages = Object.fromEntries(
    ['fetch', 'parse'].map((stage) => [stage, medianRound(rounds.map((r) => r.stages[stage]))]),
  );
  results.ratios = {
    clienteleWallVsMbsync: round3(results.clientele.wallMs / results.mbsync.wallMs),
    clienteleRateVsRawImapflow: round3(results.clientele.messagesPerSecond / results.rawImapflow.messagesPerSecond),
  };
  // What the machine's CPU allows: Clientele's median run used this much CPU on the whole machine (its
  // process, Dovecot and the rest); even with every core busy throughout it could not go faster.
  const cores = results.machine.cores;
  const ceilingMessagesPerSecond = Math.round(N / (results.clientele.machineCpuMs / 1000 / cores));
  results.cpuBound = {
    cores,
    // The most machine CPU per message that still allows the target rate with every core busy.
    targetBudgetMachineCpuMsPerMessage: round(
      (cores * 1000) / (TARGETS.rateVsRaw * results.rawImapflow.messagesPerSecond),
      3,
    ),
    clienteleCoresBusy: round(results.clientele.machineCpuMs / results.clientele.wallMs, 2),
    ceilingMessagesPerSecond,
    ceilingVsRawImapflow: round3(ceilingMessagesPerSecond / results.rawImapflow.messagesPerSecond),
  };
  const short = rounds.findIndex((r) => r.clientele.stored !== N);
  const countOk = short === -1;
  if (!countOk) {
    results.failure = `Clientele stored ${rounds[short].clientele.stored} messages in round ${short + 1}, expected ${N}`;
  } else {
    // 5. The first search on the last round's profile: `sync --once` leaves the search index to the
    //    app's background indexer or the first search, which indexes the whole mailbox before it
    //    answers. Then the same search again. (The IDLE probe runs after, on the indexed profile.)
    log(`first search: "${SEARCH_WORD}" (indexes ${N} messages first)`);
    results.firstSearch = await runFirstSearch(dataDir, env);
    log('first search:', JSON.stringify(results.firstSearch));
    // 6. IDLE push latency.
    log(`IDLE push latency: ${IDLE_ROUNDS} APPENDs`);
    const probe = mustSucceed(
      await run(process.execPath, [join(ROOT, 'bench/lib/idle-probe.mjs')], {
        env: {
          ...env,
          BENCH_PROBE: JSON.stringify({
            dataDir,
            host: dovecot.host,
            port: dovecot.imapsPort,
            caCertPem: dovecot.caCertPem,
            user: alice.user,
            password: alice.password,
            rounds: IDLE_ROUNDS,
            pollMs: 20,
          }),
        },
        what: 'IDLE probe',
      }),
      'IDLE probe',
    );
    const idle = JSON.parse(probe.stdout.trim().split('\n').at(-1));
    results.idle = {
      rounds: idle.rounds,
      timeouts: idle.timeouts,
      p50Ms: round(percentile(idle.latenciesMs, 50), 1),
      p95Ms: idle.timeouts > 0 ? null : round(percentile(idle.latenciesMs, 95), 1),
      maxMs: round(Math.max(...idle.latenciesMs), 1),
      appendP50Ms: round(percentile(idle.appendMs, 50), 1),
      rawImapflowExistsP50Ms: round(percentile(idle.rawExistsMs, 50), 1),
      rawImapflowExistsP95Ms: round(percentile(idle.rawExistsMs, 95), 1),
      pollMs: idle.pollMs,
      statusCallMeanMs: round(idle.statusCallMs.mean, 1),
      statusCallMaxMs: round(idle.statusCallMs.max, 1),
      watchingAfterMs: idle.watchingAfterMs,
      latenciesMs: idle.latenciesMs.map((value) => round(value, 1)),
    };
    log('IDLE:', JSON.stringify({ ...results.idle, latenciesMs: undefined }));
  }

  results.targets = {
    wallTimeVsMbsync: {
      target: `≤ ${TARGETS.wallVsMbsync}× mbsync`,
      value: results.ratios.clienteleWallVsMbsync,
      met: results.ratios.clienteleWallVsMbsync <= TARGETS.wallVsMbsync,
    },
    rateVsRawImapflow: {
      target: `≥ ${TARGETS.rateVsRaw * 100}% of raw imapflow`,
      value: results.ratios.clienteleRateVsRawImapflow,
      met: results.ratios.clienteleRateVsRawImapflow >= TARGETS.rateVsRaw,
    },
    idleP95: {
      target: `≤ ${TARGETS.idleP95Ms} ms`,
      value: results.idle?.p95Ms ?? null,
      met: results.idle?.p95Ms != null && results.idle.p95Ms <= TARGETS.idleP95Ms,
    },
    peakRss: {
      target: `≤ ${TARGETS.peakRssMb} MB`,
      value: results.clientele.peakRssMb,
      met: results.clientele.peakRssMb <= TARGETS.peakRssMb,
    },
  };
  results.loadAvgAtEnd = load1();
  writeResults(results);
  if (!countOk) throw new Error(results.failure);
}

/** One mbsync run into a fresh Maildir, checked to hold every message. */
async function runMbsync(mbsyncDir, mbsyncConfig) {
  const loadAvgBefore = load1();
  mkdirSync(join(mbsyncDir, 'mail'), { recursive: true });
  const mbsync = mustSucceed(
    await run('mbsync', ['-q', '-c', mbsyncConfig, 'bench'], {
      env: { ...process.env, HOME: mbsyncDir },
      what: 'mbsync',
    }),
    'mbsync',
  );
  const stored = countMaildirMessages(join(mbsyncDir, 'mail'));
  if (stored !== N) throw new Error(`mbsync stored ${stored} messages, expected ${N}`);
  // Its state goes with the mail, so the next round starts from nothing too.
  rmSync(join(mbsyncDir, 'mail'), { recursive: true, force: true });
  const figures = {
    wallMs: Math.round(mbsync.wallMs),
    messagesPerSecond: Math.round(N / (mbsync.wallMs / 1000)),
    peakRssMb: Math.round(mbsync.peakRssKb / 1024),
    ...cpuFigures(mbsync),
    stored,
    loadAvgBefore,
  };
  log('mbsync:', JSON.stringify(figures));
  return figures;
}

/** The raw imapflow loop once. */
async function runRaw(rawPass) {
  const loadAvgBefore = load1();
  const raw = await rawPass();
  const figures = {
    wallMs: Math.round(raw.wallMs),
    messagesPerSecond: Math.round(raw.messages / (raw.wallMs / 1000)),
    ...cpuFigures(raw),
    messages: raw.messages,
    sourceBytes: raw.bytes,
    loadAvgBefore,
  };
  log('raw imapflow:', JSON.stringify(figures));
  return figures;
}

/**
 * One of Clientele's stages without the ones after it (bench/lib/stage-probe.mjs), as a process of
 * its own with the CLI's Node flags, timed like `sync --once`; checked to have fetched every message.
 */
async function runStage(stage, dovecot, alice, rawRound) {
  const loadAvgBefore = load1();
  const probe = { stage, host: dovecot.host, port: dovecot.imapsPort, caCertPem: dovecot.caCertPem };
  const result = mustSucceed(
    await run(process.execPath, [...CLI_NODE_FLAGS, STAGE_PROBE], {
      env: { ...process.env, BENCH_STAGE: JSON.stringify({ ...probe, user: alice.user, password: alice.password }) },
      what: `stage probe (${stage})`,
    }),
    `stage probe (${stage})`,
  );
  const { messages, pages, bytes } = JSON.parse(result.stdout.trim().split('\n').at(-1));
  if (messages !== N) throw new Error(`the ${stage} stage fetched ${messages} messages, expected ${N}`);
  const messagesPerSecond = Math.round(N / (result.wallMs / 1000));
  const figures = {
    wallMs: Math.round(result.wallMs),
    messagesPerSecond,
    rateVsRawImapflow: round3(messagesPerSecond / rawRound.messagesPerSecond),
    peakRssMb: Math.round(result.peakRssKb / 1024),
    ...cpuFigures(result),
    pages,
    sourceBytes: bytes,
    loadAvgBefore,
  };
  log(`stage ${stage}:`, JSON.stringify(figures));
  return figures;
}

/** A fresh Clientele profile with the account, then one timed `sync --once`. */
async function runClientele(dataDir, env, dovecot, alice) {
  const cli = (args, options = {}) =>
    run(process.execPath, [...CLI_NODE_FLAGS, CLI, '--data-dir', dataDir, '--json', ...args], {
      env,
      what: `clientele ${args[0]}`,
      ...options,
    });
  mustSucceed(await cli(['init', '--name', 'Bench']), 'clientele init');
  mustSucceed(await cli(['settings', 'set', '--backfill-months', 'all']), 'clientele settings set');
  mustSucceed(
    await cli(
      [
        'account',
        'add',
        'imap',
        '--email',
        'alice@example.test',
        '--host',
        dovecot.host,
        '--port',
        String(dovecot.imapsPort),
        '--user',
        alice.user,
        '--password-stdin',
        '--ca-file',
        dovecot.caCertPath,
      ],
      { input: `${alice.password}\n` },
    ),
    'clientele account add',
  );
  const loadAvgBefore = load1();
  const sync = mustSucceed(await cli(['sync', '--once']), 'clientele sync --once');
  const status = JSON.parse(mustSucceed(await cli(['status']), 'clientele status').stdout);
  const profileBytes = readdirSync(dataDir).reduce((sum, name) => sum + statSync(join(dataDir, name)).size, 0);
  const figures = {
    wallMs: Math.round(sync.wallMs),
    messagesPerSecond: Math.round(N / (sync.wallMs / 1000)),
    peakRssMb: Math.round(sync.peakRssKb / 1024),
    ...cpuFigures(sync),
    stored: status.value?.sync?.[0]?.messages ?? null,
    syncState: status.value?.sync?.[0]?.state ?? null,
    profileBytes,
    loadAvgBefore,
  };
  log('Clientele:', JSON.stringify(figures));
  return figures;
}

/** `clientele search SEARCH_WORD` twice on a synced profile; the first indexes every message. */
async function runFirstSearch(dataDir, env) {
  const search = async (what) => {
    const result = mustSucceed(
      await run(process.execPath, [...CLI_NODE_FLAGS, CLI, '--data-dir', dataDir, '--json', 'search', SEARCH_WORD], {
        env,
        what,
      }),
      what,
    );
    const { value } = JSON.parse(result.stdout);
    return { result, value };
  };
  const first = await search('first search');
  if (first.value.indexing.pending !== 0) {
    throw new Error(`the first search left ${first.value.indexing.pending} messages unindexed`);
  }
  if (first.value.hits.length === 0) throw new Error(`the first search found no message with "${SEARCH_WORD}"`);
  const second = await search('second search');
  return {
    word: SEARCH_WORD,
    hits: first.value.hits.length,
    wallMs: Math.round(first.result.wallMs),
    ...cpuFigures(first.result),
    indexedPerSecond: Math.round(N / (first.result.wallMs / 1000)),
    secondWallMs: Math.round(second.result.wallMs),
  };
}

/** A client's own CPU and the whole machine's during its run, in ms, and the machine's per message. */
function cpuFigures({ cpuMs, machineCpuMs: machineMs }) {
  return {
    cpuMs: Math.round(cpuMs),
    machineCpuMs: Math.round(machineMs),
    machineCpuMsPerMessage: round(machineMs / N, 3),
  };
}

/** The round with the median wall time (the middle one; of an even count, the slower middle). */
function medianRound(figures) {
  const sorted = [...figures].sort((a, b) => a.wallMs - b.wallMs);
  return sorted[Math.floor(sorted.length / 2)];
}

const round3 = (value) => round(value, 3);

function round(value, digits) {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function writeResults(results) {
  mkdirSync(RESULTS, { recursive: true });
  // A quick run (BENCH_MESSAGES) must not overwrite the full run's figures.
  const base = join(RESULTS, N === DEFAULT_MESSAGES ? 'imap-sync' : `imap-sync-n${N}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${base}.md`, markdown(results));
  log(`results: ${base}.json, ${base}.md`);
}

/** 48213 -> "48.2 s". */
function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

function markdown(r) {
  const mb = (bytes) => `${(bytes / 1024 ** 2).toFixed(0)} MB`;
  const yes = (met) => (met ? 'met' : '**missed**');
  const m = r.machine;
  const lines = [
    `# IMAP initial sync: Clientele vs mbsync and raw imapflow`,
    '',
    `Run ${r.date} on commit ${r.code.commit}` +
      (r.code.uncommittedInMainOrCommon.length > 0
        ? ` plus uncommitted changes (${r.code.uncommittedInMainOrCommon.join(', ')})`
        : ' (main/ and common/ as committed)') +
      '.',
    `${r.rounds.length} ${r.rounds.length === 1 ? 'round' : 'rounds'} of mbsync, raw imapflow and Clientele in turn against the same private Dovecot,`,
    `after an untimed warm-up pass (Dovecot indexes the Maildir on first access: ${seconds(r.warmUp.wallMs)}). Each client's`,
    `figure is its median round (by wall time); Clientele's peak RSS is the highest of any round. Every round follows.`,
    '',
    `**Machine:** ${m.cpu}, ${m.cores} cores, ${m.ramGb} GB RAM, ${m.kernel} (${m.os}); Node ${m.node};`,
    `Dovecot ${m.dovecot}; ${m.mbsync}; imapflow ${m.imapflow}.`,
    '',
    `**Mailbox:** ${r.messages} messages in ${r.mailbox.folders} folders, ${mb(r.mailbox.rfc822Bytes)} (RFC 822 sizes; ` +
      `${mb(r.mailbox.bytesOnDisk)} on disk): most 2–20 KB text, 10% HTML multipart 30–80 KB, 3% with a 200 KB–1 MB ` +
      `base64 attachment; threads with References; seeded.`,
    '',
    `| Folder | Messages |`,
    `| --- | ---: |`,
    ...Object.entries(r.mailbox.perFolder).map(([path, count]) => `| ${path} | ${count} |`),
    '',
    `## Figures`,
    '',
    `| Client | Wall time | Messages/s | Peak RSS | Notes |`,
    `| --- | ---: | ---: | ---: | --- |`,
    `| mbsync (peer) | ${seconds(r.mbsync.wallMs)} | ${r.mbsync.messagesPerSecond} | ${r.mbsync.peakRssMb} MB | full messages to Maildir; ${r.mbsync.config} |`,
    `| raw imapflow (ceiling) | ${seconds(r.rawImapflow.wallMs)} | ${r.rawImapflow.messagesPerSecond} | — | ${r.rawImapflow.fetch} |`,
    `| Clientele \`sync --once\` | ${seconds(r.clientele.wallMs)} | ${r.clientele.messagesPerSecond} | ${r.clientele.peakRssMb} MB | whole process (start-up, keychain, parse, SQLCipher), run as its shebang says (\`node ${r.clientele.nodeFlags.join(' ')}\`); stored ${r.clientele.stored}; profile ${mb(r.clientele.profileBytes)} |`,
    '',
    `1-minute load average before the median runs (the machine may be shared): mbsync ${r.mbsync.loadAvgBefore}, ` +
      `raw imapflow ${r.rawImapflow.loadAvgBefore}, Clientele ${r.clientele.loadAvgBefore}; at the end ${r.loadAvgAtEnd}.`,
    '',
    `Ratios of the medians: Clientele / mbsync wall time = **${r.ratios.clienteleWallVsMbsync}**; ` +
      `Clientele rate / raw imapflow rate = **${r.ratios.clienteleRateVsRawImapflow}**.`,
    '',
    `| Round | mbsync | raw imapflow | Clientele | Clientele peak RSS | Clientele / mbsync | Clientele rate / raw | Load before (mbsync, raw, Clientele) |`,
    `| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |`,
    ...r.rounds.map(
      (round, i) =>
        `| ${i + 1} | ${seconds(round.mbsync.wallMs)} | ${seconds(round.rawImapflow.wallMs)} | ${seconds(round.clientele.wallMs)} | ` +
        `${round.clientele.peakRssMb} MB | ${round.ratios.clienteleWallVsMbsync} | ${round.ratios.clienteleRateVsRawImapflow} | ` +
        `${round.mbsync.loadAvgBefore}, ${round.rawImapflow.loadAvgBefore}, ${round.clientele.loadAvgBefore} |`,
    ),
    '',
  ];
  lines.push(...cpuLines(r));
  if (r.stages) lines.push(...stageLines(r));
  if (r.firstSearch) {
    const f = r.firstSearch;
    lines.push(
      `First search after the sync (\`clientele search ${f.word}\` on the last round's profile, which indexes all ` +
        `${r.messages} messages before it answers): **${seconds(f.wallMs)}** (${f.indexedPerSecond} messages indexed per second), ` +
        `its process ${seconds(f.cpuMs)} of CPU; ${f.hits} hits on the first page. The same search again: ${f.secondWallMs} ms ` +
        `(the whole CLI process).`,
      '',
    );
  }
  if (r.idle) {
    lines.push(
      `IDLE push latency (${r.idle.rounds} APPENDs to INBOX → message counted by \`sync.status\` in a core with background ` +
        `sync, polled every ${r.idle.pollMs} ms): p50 **${r.idle.p50Ms} ms**, p95 **${r.idle.p95Ms ?? 'n/a'} ms**, ` +
        `max ${r.idle.maxMs} ms, ${r.idle.timeouts} timed out. A \`sync.status\` call itself took ${r.idle.statusCallMeanMs} ms ` +
        `on average (max ${r.idle.statusCallMaxMs} ms). Server floor, measured in the same rounds: a bare imapflow ` +
        `connection idling on INBOX saw the untagged EXISTS after p50 ${r.idle.rawImapflowExistsP50Ms} ms, ` +
        `p95 ${r.idle.rawImapflowExistsP95Ms} ms.`,
      '',
    );
  } else {
    lines.push(`IDLE push latency: not measured (${r.failure}).`, '');
  }
  lines.push(
    `## Targets`,
    '',
    `| Target | Goal | Measured | |`,
    `| --- | --- | --- | --- |`,
    `| Wall time vs mbsync | ${r.targets.wallTimeVsMbsync.target} | ${r.targets.wallTimeVsMbsync.value}× | ${yes(r.targets.wallTimeVsMbsync.met)} |`,
    `| Rate vs raw imapflow | ${r.targets.rateVsRawImapflow.target} | ${round(r.targets.rateVsRawImapflow.value * 100, 1)}% | ${yes(r.targets.rateVsRawImapflow.met)} |`,
    `| IDLE p95 | ${r.targets.idleP95.target} | ${r.targets.idleP95.value ?? 'n/a'} ms | ${yes(r.targets.idleP95.met)} |`,
    `| Peak RSS | ${r.targets.peakRss.target} | ${r.targets.peakRss.value} MB | ${yes(r.targets.peakRss.met)} |`,
    '',
  );
  if (r.failure) lines.push(`**Failed:** ${r.failure}`, '');
  lines.push(
    `## What differs between the clients`,
    '',
    `- mbsync downloads every message whole (${mb(r.mailbox.rfc822Bytes)}) and writes one file per message, fsyncing`,
    `  (its default \`FSync yes\`). The raw loop fetches at most ${SOURCE_MAX_BYTES / 1024} KB of each message`,
    `  (${mb(r.rawImapflow.sourceBytes)} in all). Clientele fetches each window's headers first (and the BODYSTRUCTURE`,
    `  of messages of 32 KB or more), then the text: BODY[TEXT] (at most ${SOURCE_MAX_BYTES / 1024} KB), or only the text`,
    `  parts of a message whose attachments reach 32 KB; attachments stay on the server (metadata only, content on demand).`,
    `- The raw loop parses nothing and stores nothing: it is what one imapflow connection can pull.`,
    `- Clientele's time is the whole \`clientele sync --once\` process: start-up, keychain, MIME parsing in worker`,
    `  threads, threading and identity, SQLCipher writes, all committed page by page.`,
    `- Single figures vary from run to run, more so on a busy machine (see the load averages): the clients run in`,
    `  turn in each round so that each round's ratios compare runs made side by side.`,
    '',
  );
  return lines.join('\n');
}

/** The CPU table, and what the machine's CPU allows Clientele's rate. */
function cpuLines(r) {
  const row = (name, f, own) =>
    `| ${name} | ${own} | ${seconds(f.machineCpuMs)} | ${(f.machineCpuMs / f.wallMs).toFixed(2)} | ${f.machineCpuMsPerMessage} ms |`;
  const c = r.cpuBound;
  return [
    `## CPU, and what it allows`,
    '',
    `CPU time of the median runs: the client's own process (every thread), and the whole machine's while it ran`,
    `(/proc/stat: the client, Dovecot, the keyring, anything else).`,
    '',
    `| Client | Its own CPU | Machine CPU during the run | Cores busy (of ${c.cores}) | Machine CPU per message |`,
    `| --- | ---: | ---: | ---: | ---: |`,
    row('mbsync', r.mbsync, seconds(r.mbsync.cpuMs)),
    row('raw imapflow', r.rawImapflow, `${seconds(r.rawImapflow.cpuMs)} (the loop runs in the benchmark's process)`),
    row('Clientele `sync --once`', r.clientele, seconds(r.clientele.cpuMs)),
    '',
    `Clientele's sync kept ${c.clienteleCoresBusy} of the machine's ${c.cores} cores busy on average: it is bound by CPU.`,
    `Its run took ${seconds(r.clientele.machineCpuMs)} of the machine's CPU; even with all ${c.cores} cores busy from start to end,`,
    `that work cannot take less than ${seconds(r.clientele.machineCpuMs / c.cores)}, which caps its rate on this machine at`,
    `${c.ceilingMessagesPerSecond} messages/s, **${round(c.ceilingVsRawImapflow * 100, 1)}% of the raw loop's**. The raw loop`,
    `takes ${r.rawImapflow.machineCpuMsPerMessage} ms of the machine's CPU per message (Dovecot's share included); Clientele`,
    `${r.clientele.machineCpuMsPerMessage} ms, for parsing, threading, identity and the encrypted store on top of the same transfer.`,
    '',
  ];
}

/** Where Clientele's time goes: each stage's run, and what each step adds per message. */
function stageLines(r) {
  const { fetch, parse } = r.stages;
  const c = r.cpuBound;
  const ms = (value) => `${value.toFixed(3)} ms`;
  const row = (name, f, own = seconds(f.cpuMs)) =>
    `| ${name} | ${seconds(f.wallMs)} | ${f.messagesPerSecond} | ${round((f.messagesPerSecond / r.rawImapflow.messagesPerSecond) * 100, 1)}% | ` +
    `${own} | ${seconds(f.machineCpuMs)} | ${ms(f.machineCpuMsPerMessage)} |`;
  const step = (from, to) => ms(to.machineCpuMsPerMessage - from.machineCpuMsPerMessage);
  return [
    `## Where Clientele's time goes`,
    '',
    `Clientele's stages without the ones after them, each a process of its own run like \`sync --once\` (same Node`,
    `flags, timed from spawn to exit) in every round beside the others (bench/lib/stage-probe.mjs): *fetch* is the`,
    `compiled IMAP driver paging through every folder as the sync does and dropping each page; *fetch + parse* also`,
    `hands every message to the parser pool (worker threads, identity included), a few pages ahead as the sync's`,
    `pipeline does, and stores nothing. The full sync adds start-up (keychain, store), threading and the SQLCipher commits.`,
    `Median round of each.`,
    '',
    `| Run | Wall time | Messages/s | Of raw imapflow's rate | Its own CPU | Machine CPU | Machine CPU per message |`,
    `| --- | ---: | ---: | ---: | ---: | ---: | ---: |`,
    row('raw imapflow', r.rawImapflow),
    row('Clientele: fetch', fetch),
    row('Clientele: fetch + parse', parse),
    row('Clientele: `sync --once` (fetch + parse + store)', r.clientele),
    '',
    `What each step adds, in machine CPU per message: Clientele's fetch (headers, structures, text sections, in`,
    `windows; its process's start-up included) ${step(r.rawImapflow, fetch)} over the raw loop's; parsing ${step(fetch, parse)};`,
    `the CLI's and the core's start-up (keychain, store), threading and the encrypted store ${step(parse, r.clientele)}.`,
    '',
    `The target (${TARGETS.rateVsRaw * 100}% of the raw loop's rate, ${Math.round(TARGETS.rateVsRaw * r.rawImapflow.messagesPerSecond)} messages/s) leaves at most`,
    `**${ms(c.targetBudgetMachineCpuMsPerMessage)}** of machine CPU per message on ${c.cores} cores, even with every core busy`,
    `throughout. Fetching and parsing alone take ${ms(parse.machineCpuMsPerMessage)}; the whole sync ${ms(r.clientele.machineCpuMsPerMessage)}.`,
    '',
  ];
}

try {
  await main();
  await cleanUp();
  process.exit(0);
} catch (error) {
  console.error(error instanceof Error ? error.stack : error);
  await cleanUp();
  process.exit(1);
}
