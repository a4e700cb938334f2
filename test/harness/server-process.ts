import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type ServerProcess = {
  /** Everything printed on stdout until the server was ready (its URL, maybe the setup link). */
  output: string;
  url: string;
  bootstrapToken: string | undefined;
  stop(): Promise<number | null>;
};

/**
 * Runs `npm run server -- ...` exactly as a user would (it builds server/ if needed), in its own
 * process group so stopping it also stops npm's child. Resolves once the server printed its URL.
 */
export function startServerProcess(args: string[], env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const child = spawn('npm', ['run', '--silent', 'server', '--', ...args], {
    cwd: ROOT,
    env: { ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stopGroup(child);
      reject(new Error(`the server printed no URL in 60 s; stdout: ${stdout} stderr: ${stderr}`));
    }, 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      // The server prints its URL and, without an admin, the setup link in one write.
      const url = /team server on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolve({
        output: stdout,
        url,
        bootstrapToken: /\/setup#token=([\w-]+)/.exec(stdout)?.[1],
        stop: () => stopGroup(child),
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}); stdout: ${stdout} stderr: ${stderr}`));
    });
  });
}

/** Runs `npm run server -- ...` to its end: for commands that should fail or print and exit. */
export function runServerCommand(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('npm', ['run', '--silent', 'server', '--', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

function stopGroup(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.pid === undefined) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    process.kill(-child.pid, 'SIGTERM');
  });
}
