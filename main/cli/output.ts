import type { Result } from '../../common/result.js';

/** --json prints the call's Result exactly; otherwise a human line. Exit code 1 on failure. */
export function emit<T>(result: Result<T>, json: boolean, human: (value: T) => string): number {
  if (json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else if (result.ok) {
    process.stdout.write(`${human(result.value)}\n`);
  } else {
    process.stderr.write(`Error ${result.error.code}: ${result.error.message}\n`);
    const issues = (result.error.details as { issues?: { path: string[]; message: string }[] } | undefined)?.issues;
    for (const issue of issues ?? [])
      process.stderr.write(`  ${issue.path.join('.') || '(input)'}: ${issue.message}\n`);
  }
  return result.ok ? 0 : 1;
}
