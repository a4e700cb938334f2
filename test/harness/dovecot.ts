import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';

export type DovecotUser = { user: string; password: string };

export type Dovecot = {
  /** The certificate is for localhost: connect by this name, never by IP, or verification fails. */
  readonly host: 'localhost';
  /** Implicit TLS (IMAPS). */
  readonly imapsPort: number;
  /** Cleartext greeting with STARTTLS offered. */
  readonly imapPort: number;
  /** The server's self-signed certificate, to trust as the only CA. */
  readonly caCertPem: string;
  readonly caCertPath: string;
  readonly users: readonly DovecotUser[];
  /** Dovecot's own log: read it when a test fails for a reason the client can't see. */
  readonly logPath: string;
  readonly dir: string;
  /** The master process, while it runs. */
  readonly pid: number | undefined;
  /** Kills Dovecot and every process it started, then removes the temp dir. */
  stop(): Promise<void>;
  /**
   * Stops Dovecot and starts it again on the same ports and mail. By default a clean shutdown
   * (SIGTERM: clients get BYE; ~1 s); `hard` kills it instead, as a crash would (no BYE; fast).
   */
  restart(options?: { hard?: boolean }): Promise<void>;
  /**
   * Changes a user's password, as an admin would. Dovecot re-reads its passwd-file when the
   * file's mtime (in seconds) changes: restart() to apply two changes within one second.
   */
  setPassword(user: string, password: string): void;
};

export const DEFAULT_DOVECOT_USERS: readonly DovecotUser[] = [
  { user: 'alice', password: 'alice-password' },
  { user: 'bob', password: 'bob-password' },
];

/** SPECIAL-USE mailboxes Dovecot creates and subscribes at first login. */
const SPECIAL_USE_MAILBOXES = ['Sent', 'Drafts', 'Trash', 'Junk', 'Archive'];
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

export function dovecotBinary(): string {
  const found = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((path) => existsSync(path));
  const imapd = ['/usr/lib/dovecot/imap', '/usr/libexec/dovecot/imap', '/usr/local/libexec/dovecot/imap'];
  if (!found || !imapd.some((path) => existsSync(path))) {
    throw new Error(
      'Dovecot (with its IMAP server) is needed for these tests but is not installed. ' +
        'Run `npm test` as root (it installs dovecot-imapd) or: apt-get install dovecot-imapd',
    );
  }
  if (spawnSync('sh', ['-c', 'command -v openssl']).status !== 0) {
    throw new Error(
      'openssl is needed to make the test certificate. Run `npm test` as root or: apt-get install openssl',
    );
  }
  if (process.getuid?.() !== 0) {
    // Dovecot's master switches to the dovecot, dovenull and nobody users; only root can.
    throw new Error('The Dovecot harness must run as root (Dovecot drops privileges to its own users).');
  }
  return found;
}

/**
 * A private Dovecot 2.3 in a temp dir, on 127.0.0.1 and random ports: several can run at once.
 * Resolves once a LOGIN over IMAPS succeeds, so the auth process is up as well.
 */
export type DovecotOptions = {
  users?: DovecotUser[];
  /**
   * Also accept SASL XOAUTH2 and OAUTHBEARER logins, each token checked at this RFC 7662
   * introspection endpoint (Dovecot's oauth2 passdb, introspection_mode = post).
   */
  oauth2IntrospectionUrl?: string;
};

export async function startDovecot(options: DovecotOptions = {}): Promise<Dovecot> {
  const binary = dovecotBinary();
  // A copy: setPassword() changes entries, never the shared defaults.
  const users = (options.users ?? DEFAULT_DOVECOT_USERS).map((user) => ({ ...user }));
  if (users.length === 0) throw new Error('startDovecot needs at least one user');
  for (const { user, password } of users) {
    if (/[:\s"\\]/.test(user) || /[:\r\n"\\]/.test(password)) {
      throw new Error(`Test user ${user}: no colons, quotes, backslashes or whitespace (passwd-file and LOGIN)`);
    }
  }

  const dir = mkdtempSync(join(tmpdir(), 'clientele-dovecot-'));
  // mkdtemp makes 0700: Dovecot's auth (user dovecot) and mail (nobody) processes must traverse it.
  chmodSync(dir, 0o755);
  assertTraversable(dir);
  const paths = {
    dir,
    conf: join(dir, 'dovecot.conf'),
    cert: join(dir, 'cert.pem'),
    key: join(dir, 'key.pem'),
    users: join(dir, 'users'),
    mail: join(dir, 'mail'),
    log: join(dir, 'dovecot.log'),
    oauth2: options.oauth2IntrospectionUrl ? join(dir, 'dovecot-oauth2.conf.ext') : null,
  };
  if (paths.oauth2) {
    writeFileSync(
      paths.oauth2,
      [
        'introspection_mode = post',
        `introspection_url = ${options.oauth2IntrospectionUrl}`,
        'username_attribute = username',
        'active_attribute = active',
        'active_value = true',
        '',
      ].join('\n'),
      { mode: 0o644 },
    );
  }
  makeCertificate(paths.cert, paths.key);
  writeFileSync(paths.users, users.map((u) => `${u.user}:{PLAIN}${u.password}::::::\n`).join(''), { mode: 0o644 });
  mkdirSync(paths.mail);
  const nobody = { uid: idFrom('/etc/passwd', 'nobody'), gid: idFrom('/etc/group', 'nogroup') };
  chownSync(paths.mail, nobody.uid, nobody.gid);

  let ports = { imap: 0, imaps: 0 };
  let child: ChildProcess | undefined;
  const caCertPem = readFileSync(paths.cert, 'utf8');
  const probeUser = users[0]!;
  const launch = async (): Promise<ChildProcess> => {
    writeFileSync(paths.conf, config(paths, ports));
    const started = spawn(binary, ['-F', '-c', paths.conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    started.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
    try {
      await waitUntilLoginWorks(started, ports.imaps, caCertPem, probeUser);
      return started;
    } catch (error) {
      await terminate(started);
      const log = existsSync(paths.log) ? readFileSync(paths.log, 'utf8').slice(-4000) : '';
      throw new Error(`Dovecot did not start: ${(error as Error).message}\n${stderr}\n${log}`.trim());
    }
  };

  const watchdog = startWatchdog(dir);
  try {
    // Free ports can be taken again between the probe and Dovecot's bind: retry a few times.
    for (let attempt = 1; ; attempt++) {
      const [imap, imaps] = await freePorts(2);
      ports = { imap: imap!, imaps: imaps! };
      try {
        child = await launch();
        break;
      } catch (error) {
        if (attempt >= 3 || !/Address already in use/.test((error as Error).message)) throw error;
      }
    }
  } catch (error) {
    watchdog.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    host: 'localhost',
    imapsPort: ports.imaps,
    imapPort: ports.imap,
    caCertPem,
    caCertPath: paths.cert,
    users,
    logPath: paths.log,
    dir,
    get pid() {
      return child?.pid;
    },
    async stop() {
      // The data goes with the dir, so no graceful shutdown (which costs Dovecot ~1 s).
      watchdog.kill('SIGKILL');
      if (child?.pid) await killNow(child);
      child = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
    setPassword(user: string, password: string) {
      const entry = users.find((candidate) => candidate.user === user);
      if (!entry) throw new Error(`no Dovecot user ${user}`);
      entry.password = password;
      writeFileSync(paths.users, users.map((u) => `${u.user}:{PLAIN}${u.password}::::::\n`).join(''), { mode: 0o644 });
    },
    async restart({ hard = false } = {}) {
      if (child) await (hard ? killNow(child) : terminate(child));
      child = undefined;
      child = await launch();
    },
  };
}

/**
 * A test worker that dies without stop() (a crash, or vitest killing it on a timeout) would leave
 * Dovecot running: no 'exit' handler runs then. This small detached process holds the read end of
 * a pipe from the worker; when it closes, it kills the Dovecot whose master.pid is in `dir`
 * (checking that pid's command line names this dir's config) and removes the dir.
 */
function startWatchdog(dir: string): ChildProcess {
  const script = `
    const fs = require('node:fs');
    const dir = process.argv[1];
    const ppid = (pid) => { try { const s = fs.readFileSync('/proc/' + pid + '/stat', 'utf8'); return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]); } catch { return -1; } };
    const cleanUp = () => {
      try {
        const pid = Number(fs.readFileSync(dir + '/run/master.pid', 'utf8'));
        if (fs.readFileSync('/proc/' + pid + '/cmdline', 'utf8').includes(dir + '/dovecot.conf')) {
          process.kill(pid, 'SIGSTOP');
          for (const name of fs.readdirSync('/proc')) if (ppid(name) === pid) try { process.kill(Number(name), 'SIGKILL'); } catch {}
          process.kill(pid, 'SIGKILL');
        }
      } catch {}
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
      process.exit(0);
    };
    process.stdin.on('end', cleanUp).on('error', cleanUp).resume();
  `;
  const watchdog = spawn(process.execPath, ['-e', script, dir], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  // Neither the process nor the pipe may keep the test worker alive.
  watchdog.unref();
  (watchdog.stdin as { unref?: () => void } | null)?.unref?.();
  return watchdog;
}

function config(
  paths: { dir: string; cert: string; key: string; users: string; mail: string; log: string; oauth2: string | null },
  ports: { imap: number; imaps: number },
): string {
  const mailboxes = SPECIAL_USE_MAILBOXES.map(
    (name) => `  mailbox ${name} {\n    special_use = \\${name}\n    auto = subscribe\n  }\n`,
  ).join('');
  // Dovecot 2.3's default capability list already has CONDSTORE, QRESYNC, IDLE, MOVE, UIDPLUS,
  // SPECIAL-USE and BINARY; overriding imap_capability would only risk advertising less.
  return `# Written by test/harness/dovecot.ts
base_dir = ${paths.dir}/run
state_dir = ${paths.dir}/state
log_path = ${paths.log}
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <${paths.cert}
ssl_key = <${paths.key}
ssl_min_protocol = TLSv1.2
auth_mechanisms = plain login${paths.oauth2 ? ' xoauth2 oauthbearer' : ''}
# Dovecot waits 2 s before answering a failed login, and anvil then delays every later login
# from the same IP (2-15 s): one wrong-password test would slow down all the tests after it.
auth_failure_delay = 0
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
passdb {
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u ${paths.users}
}
${
  paths.oauth2
    ? `passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${paths.oauth2}
}
`
    : ''
}# uid 0 would make login fail ("userdb returned 0 as uid").
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${paths.mail}/%u
}
mail_location = maildir:~/Maildir
# Nothing here needs to survive a power cut.
mail_fsync = never
# The default (10) is less than a sync engine plus test clients open at once.
mail_max_userip_connections = 50
namespace inbox {
  inbox = yes
  separator = /
${mailboxes}}
service imap-login {
  inet_listener imap {
    port = ${ports.imap}
  }
  inet_listener imaps {
    port = ${ports.imaps}
    ssl = yes
  }
}
`;
}

function makeCertificate(certPath: string, keyPath: string): void {
  // An EC key is made in milliseconds; RSA would cost ~100 ms per server.
  const result = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '3650',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`openssl could not make the test certificate: ${result.stderr}`);
}

/** Dovecot's auth process reads the config as user dovecot: every parent needs o+x. */
function assertTraversable(dir: string): void {
  for (let path = dir; path !== dirname(path); path = dirname(path)) {
    if ((statSync(path).mode & 0o001) === 0) {
      throw new Error(`${path} is not traversable by other users (o+x): Dovecot's auth would fail. Set TMPDIR.`);
    }
  }
}

function idFrom(file: '/etc/passwd' | '/etc/group', name: string): number {
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${name}:`));
  const id = Number(line?.split(':')[2]);
  if (!line || !Number.isInteger(id)) throw new Error(`No ${name} entry in ${file}`);
  return id;
}

/**
 * `count` distinct free ports, held open together while they are chosen: two probes in a row could be
 * given the same port back (it was free again), and Dovecot then refused the configuration ("duplicate
 * listener"), which a retry on "Address already in use" did not cover.
 */
async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (server) =>
          new Promise<number>((resolve, reject) => {
            server.once('error', reject);
            server.listen(0, '127.0.0.1', () => {
              const address = server.address();
              if (typeof address === 'object' && address) resolve(address.port);
              else reject(new Error('no port'));
            });
          }),
      ),
    );
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

/** The port opens before the auth process is ready: only a successful LOGIN says Dovecot is usable. */
async function waitUntilLoginWorks(child: ChildProcess, port: number, ca: string, user: DovecotUser): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError = new Error('not tried');
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`dovecot exited (code ${child.exitCode ?? child.signalCode})`);
    }
    try {
      await probeLogin(port, ca, user);
      return;
    } catch (error) {
      lastError = error as Error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`no successful LOGIN within ${READY_TIMEOUT_MS} ms: ${lastError.message}`);
}

function probeLogin(port: number, ca: string, { user, password }: DovecotUser): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ca });
    let received = '';
    let sent = false;
    const finish = (error?: Error): void => {
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.setTimeout(5_000, () => finish(new Error('probe timed out')));
    socket.on('error', finish);
    socket.on('close', () => finish(new Error(`connection closed: ${received.trim()}`)));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
      if (!sent && /^\* OK /m.test(received)) {
        sent = true;
        socket.write(`p1 LOGIN "${user}" "${password}"\r\n`);
      }
      const tagged = /^p1 (OK|NO|BAD)(.*)$/m.exec(received);
      if (tagged) finish(tagged[1] === 'OK' ? undefined : new Error(`LOGIN ${tagged[1]}${tagged[2]}`));
    });
  });
}

/**
 * SIGTERM lets Dovecot shut down as a real server would (it closes client connections); its
 * children are noted first and killed afterwards, so none outlives the master.
 */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const children = childrenOf(child.pid);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
  for (const proc of children) killIfSame(proc, 'SIGKILL');
  await waitUntilGone(children);
}

/** SIGSTOP first: a stopped master can't start a child between the listing and the kill. */
function killTree(pid: number): ProcessId[] {
  const master = { pid, start: startTime(pid) ?? '' };
  killIfSame(master, 'SIGSTOP');
  const children = childrenOf(pid);
  killIfSame(master, 'SIGKILL');
  for (const proc of children) killIfSame(proc, 'SIGKILL');
  return children;
}

async function killNow(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const children = killTree(child.pid);
  await exited;
  await waitUntilGone(children);
}

/** SIGKILL is delivered asynchronously: wait until the processes are dead (or zombies). */
async function waitUntilGone(processes: ProcessId[]): Promise<void> {
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  const alive = (): number[] =>
    processes
      .filter(({ pid, start }) => {
        const stat = readStat(pid);
        return stat?.[19] === start && stat[0] !== 'Z';
      })
      .map(({ pid }) => pid);
  while (alive().length > 0) {
    if (Date.now() > deadline) throw new Error(`Dovecot processes ${alive().join(', ')} survived SIGKILL`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

type ProcessId = { pid: number; start: string };

function childrenOf(parent: number): ProcessId[] {
  const found: ProcessId[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat && Number(stat[1]) === parent) found.push({ pid: Number(name), start: stat[19] ?? '' });
  }
  return found;
}

/** Fields of /proc/PID/stat after "(comm)": [state, ppid, ...]; starttime is field 22 overall. */
function readStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function startTime(pid: number): string | undefined {
  return readStat(pid)?.[19];
}

/** The start time guards against killing an unrelated process that reused the pid. */
function killIfSame({ pid, start }: ProcessId, signal: NodeJS.Signals): void {
  if (startTime(pid) !== start) return;
  try {
    process.kill(pid, signal);
  } catch {
    // Gone meanwhile.
  }
}
