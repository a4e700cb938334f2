import { createInterface } from 'node:readline';

/** Reads one line from stdin: piped input for scripts, or a prompt on a terminal. Never from argv. */
export async function readLineFromStdin(prompt: string): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write(prompt);
  const rl = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of rl) return line.trim();
    return '';
  } finally {
    rl.close();
  }
}
