import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../../out/main/host/browser-mode.js', import.meta.url));

export type RunningBrowserMode = { launchUrl: string; origin: string; process: ChildProcess; stop(): Promise<void> };

/** Starts browser mode as `npm start` does on a machine without Electron, and waits for its link. */
export function startBrowserMode(dataDir: string, env: NodeJS.ProcessEnv): Promise<RunningBrowserMode> {
  const child = spawn(process.execPath, [ENTRY, '--no-open', '--data-dir', dataDir], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`browser mode printed no link; stderr: ${stderr}`)), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const match = /(http:\/\/127\.0\.0\.1:\d+)\/session\?key=\S+/.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        launchUrl: match[0],
        origin: match[1]!,
        process: child,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`browser mode exited (${code}): ${stderr}`));
    });
  });
}
