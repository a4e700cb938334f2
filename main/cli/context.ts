import type { Command } from 'commander';
import type { CallName } from '../../common/api/contract.js';
import type { Result } from '../../common/result.js';
import { startCore, type Core } from '../core/core.js';
import { defaultDataDir } from '../core/profile/paths.js';
import { createLogger } from '../util/logger.js';

export type GlobalOptions = { dataDir?: string; json?: boolean };

/** Runs one command against an in-process core, then closes it (releasing the profile lock). */
export async function withCore(
  options: GlobalOptions,
  run: (core: Core) => Promise<number>,
  extra: { backgroundSync?: boolean } = {},
): Promise<number> {
  const log = createLogger('clientele-cli', 'warn', { forTerminal: process.stderr.isTTY === true });
  const core = await startCore({ dataDir: options.dataDir ?? defaultDataDir(), log, ...extra });
  try {
    return await run(core);
  } finally {
    await core.close();
  }
}

export function call(core: Core, method: CallName, input: unknown): Promise<Result<unknown>> {
  return core.dispatch({ transport: 'cli' }, method, input);
}

export type ActionFactory = (
  run: (options: GlobalOptions, command: Command) => Promise<number>,
) => (...args: unknown[]) => Promise<void>;

/** Wraps a command body: global options in, exit code out. */
export function actionFactory(setExitCode: (code: number) => void): ActionFactory {
  return (run) =>
    async (...args: unknown[]): Promise<void> => {
      const command = args.at(-1) as Command;
      setExitCode(await run(command.optsWithGlobals<GlobalOptions>(), command));
    };
}
