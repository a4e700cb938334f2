import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../bin/clientele.js', import.meta.url));

export type CliRun = { code: number; stdout: string; stderr: string; json?: unknown };

/** Runs the built `clientele` command as a user would, in its own process. */
export function runCli(args: string[], options: { env: NodeJS.ProcessEnv; stdin?: string }): Promise<CliRun> {
  if (!existsSync(fileURLToPath(new URL('../../out/main/cli.js', import.meta.url)))) {
    throw new Error('The CLI is not built: run `npm run build` first (npm test does).');
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      let json: unknown;
      if (args.includes('--json')) {
        try {
          json = JSON.parse(stdout);
        } catch {
          json = undefined;
        }
      }
      resolve({ code: code ?? -1, stdout, stderr, json });
    });
    child.stdin.end(options.stdin ?? '');
  });
}
