import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./sync-child.mjs', import.meta.url));

export type SyncProcess = {
  /** How the process ended and what it printed (stdout and stderr). */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>;
  /** Resolves when the child starts syncing (its profile is open), never if it dies before. */
  syncing: Promise<void>;
  /** Resolves once the child saw its first committed page, never if it dies before. */
  committed: Promise<void>;
  kill(): void;
};

/**
 * A process that opens the profile with the compiled core and syncs every account once, in pages
 * of `pageSize` (many commits, many places to die): what the kill -9 tests kill.
 */
export function startSyncProcess(dataDir: string, pageSize: number, env: NodeJS.ProcessEnv): SyncProcess {
  const child = spawn(process.execPath, [CHILD, dataDir, String(pageSize)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let startedSyncing: () => void = () => undefined;
  const syncing = new Promise<void>((resolve) => (startedSyncing = resolve));
  let sawCommit: () => void = () => undefined;
  const committed = new Promise<void>((resolve) => (sawCommit = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('syncing\n')) startedSyncing();
    if (out.includes('committed\n')) sawCommit();
  });
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return {
    done: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out }))),
    syncing,
    committed,
    kill: () => child.kill('SIGKILL'),
  };
}
