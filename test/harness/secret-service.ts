import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type SecretServiceState = 'unlocked' | 'no-keyring';

export type SecretService = {
  /** Environment for a process that should use this private keyring. */
  readonly env: NodeJS.ProcessEnv;
  readonly busAddress: string;
  /** Locks the login collection, as a screen lock or `secret-tool lock` would. */
  lock(): void;
  /** Unlocks it with the keyring password, as the login screen would. */
  unlock(): void;
  stop(): Promise<void>;
};

const KEYRING_PASSWORD = 'test-password';
const REQUIRED = ['dbus-daemon', 'dbus-send', 'gnome-keyring-daemon'];

export function assertSecretServiceTools(): void {
  const missing = REQUIRED.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
  if (missing.length > 0) {
    throw new Error(
      `The real Secret Service is needed for these tests but ${missing.join(', ')} is missing. ` +
        'Run `npm test` as root (it installs dbus and gnome-keyring) or: apt-get install dbus gnome-keyring',
    );
  }
}

/**
 * A private session bus with gnome-keyring in it, in a temp dir: nothing touches the user's
 * real keyring. 'no-keyring' starts only the bus; D-Bus activation then starts gnome-keyring
 * without an unlocked login collection, which is how a never-unlocked keyring looks.
 */
export async function startSecretService(state: SecretServiceState): Promise<SecretService> {
  assertSecretServiceTools();
  const dir = mkdtempSync(join(tmpdir(), 'clientele-keyring-'));
  chmodSync(dir, 0o700);
  mkdirSync(join(dir, 'xdg'), { recursive: true });
  const baseEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    XDG_DATA_HOME: join(dir, 'xdg'),
    XDG_RUNTIME_DIR: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
  };
  const children: ChildProcess[] = [];

  const bus = spawn(
    'dbus-daemon',
    ['--session', '--nofork', '--print-address=1', `--address=unix:path=${join(dir, 'bus')}`],
    {
      env: baseEnv,
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  children.push(bus);
  const busAddress = await firstLine(bus, 'dbus-daemon');
  const env: NodeJS.ProcessEnv = { ...baseEnv, DBUS_SESSION_BUS_ADDRESS: busAddress };

  if (state === 'unlocked') {
    const keyring = spawn('gnome-keyring-daemon', ['--unlock', '--components=secrets', '--foreground'], {
      env,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    children.push(keyring);
    keyring.stdin?.end(KEYRING_PASSWORD);
    await waitFor(() => nameHasOwner(env, 'org.freedesktop.secrets'), 'gnome-keyring to join the bus');
  }

  return {
    env,
    busAddress,
    lock() {
      const result = spawnSync(
        'dbus-send',
        [
          '--session',
          '--print-reply',
          '--dest=org.freedesktop.secrets',
          '/org/freedesktop/secrets',
          'org.freedesktop.Secret.Service.Lock',
          'array:objpath:/org/freedesktop/secrets/collection/login',
        ],
        { env, encoding: 'utf8' },
      );
      if (result.status !== 0) throw new Error(`Locking the keyring failed: ${result.stderr}`);
    },
    unlock() {
      // A replacing daemon started with --unlock takes the password on stdin and unlocks the
      // login collection without a prompt; it daemonizes and is found again by stop().
      const result = spawnSync('gnome-keyring-daemon', ['--unlock', '--components=secrets', '--replace'], {
        env,
        input: KEYRING_PASSWORD,
        encoding: 'utf8',
      });
      if (result.status !== 0) throw new Error(`Unlocking the keyring failed: ${result.stderr}`);
    },
    async stop() {
      for (const child of children.reverse()) child.kill('SIGTERM');
      // Activated daemons are children of the bus: give them a moment, then remove the dir.
      await new Promise((resolve) => setTimeout(resolve, 100));
      killProcessesWithEnv(`DBUS_SESSION_BUS_ADDRESS=${busAddress}`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function nameHasOwner(env: NodeJS.ProcessEnv, name: string): boolean {
  const result = spawnSync(
    'dbus-send',
    [
      '--session',
      '--print-reply',
      '--dest=org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus.NameHasOwner',
      `string:${name}`,
    ],
    { env, encoding: 'utf8' },
  );
  return result.status === 0 && /boolean true/.test(result.stdout);
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

function firstLine(child: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString('utf8');
      const newline = buffer.indexOf('\n');
      if (newline >= 0) {
        child.stdout?.off('data', onData);
        resolve(buffer.slice(0, newline).trim());
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${what} exited early (code ${code})`)));
    child.once('error', reject);
  });
}

/** Daemons that D-Bus activated inherit the bus address: find them by it and stop them. */
function killProcessesWithEnv(entry: string): void {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (environ.includes(entry) && Number(pid) !== process.pid) process.kill(Number(pid), 'SIGTERM');
    } catch {
      // The process ended meanwhile, or is not ours to read.
    }
  }
}
