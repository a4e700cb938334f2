// IDLE push latency, run by imap-sync.bench.mjs as a child process with the private keyring's
// environment. The compiled core runs in this process with background sync (as the app runs it:
// a pass, then IDLE on INBOX); each round APPENDs one message to INBOX over a separate
// connection and polls sync.status until the stored count grows. A bare imapflow connection
// idling on INBOX at the same time gives the server's own floor (APPEND → untagged EXISTS).
// Prints one JSON line.
import { ImapFlow } from 'imapflow';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCore } from '../../out/main/core/core.js';
import { silentLogger } from '../../out/main/util/logger.js';

const config = JSON.parse(process.env.BENCH_PROBE ?? '{}');
const { dataDir, host, port, caCertPem, user, password } = config;
const rounds = config.rounds ?? 30;
const pollMs = config.pollMs ?? 20;
const roundTimeoutMs = config.roundTimeoutMs ?? 15_000;

const core = await startCore({ dataDir, log: silentLogger(), backgroundSync: true });
const statusCalls = [];
async function status() {
  const started = performance.now();
  const result = await core.dispatch({ transport: 'in-process' }, 'sync.status', {});
  statusCalls.push(performance.now() - started);
  if (!result.ok) throw new Error(`sync.status failed: ${result.error.code} ${result.error.message}`);
  return result.value[0];
}

const client = new ImapFlow({
  host,
  port,
  secure: true,
  auth: { user, pass: password },
  tls: { ca: caCertPem },
  logger: false,
});
client.on('error', () => undefined);
const watcher = new ImapFlow({
  host,
  port,
  secure: true,
  auth: { user, pass: password },
  tls: { ca: caCertPem },
  logger: false,
});
watcher.on('error', () => undefined);
let onExists = () => undefined;
watcher.on('exists', () => onExists(performance.now()));
const output = { rounds, pollMs, latenciesMs: [], appendMs: [], rawExistsMs: [], timeouts: 0 };
try {
  // The background pass over the already synced profile, then IDLE: wait for 'watching'.
  const readyStarted = performance.now();
  for (let state = ''; state !== 'watching';) {
    if (performance.now() - readyStarted > 300_000)
      throw new Error(`background sync never reached 'watching' (${state})`);
    state = (await status()).state;
    if (state !== 'watching') await sleep(100);
  }
  output.watchingAfterMs = Math.round(performance.now() - readyStarted);
  statusCalls.length = 0;
  await client.connect();
  await watcher.connect();
  await watcher.mailboxOpen('INBOX', { readOnly: true });

  for (let round = 0; round < rounds; round++) {
    const before = (await status()).messages;
    // Let the previous round's pass finish and the watcher settle back into IDLE.
    await sleep(300);
    const id = `idle-probe-${round}-${Date.now()}@example.test`;
    const message =
      `From: Bob Example <bob@acme.test>\r\nTo: Alice Example <alice@example.test>\r\n` +
      `Subject: Push probe ${round}\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <${id}>\r\n` +
      `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nProbe ${round}.\r\n`;
    if (!watcher.idling) void watcher.idle().catch(() => undefined);
    await sleep(20);
    const existsAt = new Promise((resolve) => {
      onExists = resolve;
      setTimeout(() => resolve(null), roundTimeoutMs);
    });
    const started = performance.now();
    await client.append('INBOX', message);
    output.appendMs.push(performance.now() - started);
    let latency = null;
    while (performance.now() - started < roundTimeoutMs) {
      if ((await status()).messages > before) {
        latency = performance.now() - started;
        break;
      }
      await sleep(pollMs);
    }
    if (latency === null) output.timeouts += 1;
    else output.latenciesMs.push(latency);
    const rawAt = await existsAt;
    if (rawAt !== null) output.rawExistsMs.push(rawAt - started);
  }
  output.statusCallMs = {
    count: statusCalls.length,
    mean: statusCalls.reduce((a, b) => a + b, 0) / Math.max(1, statusCalls.length),
    max: Math.max(0, ...statusCalls),
  };
} finally {
  await client.logout().catch(() => client.close());
  watcher.close();
  await core.close();
}
process.stdout.write(`${JSON.stringify(output)}\n`);
process.exit(0);
