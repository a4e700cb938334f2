import type { Command } from 'commander';
import type { CallName } from '../../common/api/contract.js';
import type { Result } from '../../common/result.js';
import { isAppError } from '../../common/errors.js';
import { connectControl, type RemoteCore } from '../core/control/control-client.js';
import { controlSocketPath } from '../core/control/control-socket.js';
import { startCore, type Core } from '../core/core.js';
import { defaultDataDir, profilePaths } from '../core/profile/paths.js';
import { createLogger } from '../util/logger.js';

export type GlobalOptions = { dataDir?: string; json?: boolean };

/** What a CLI command calls: a core in this process, or the one holding the profile elsewhere. */
export type CliCore = Pick<Core, 'dispatch'>;

/**
 * Runs one command against an in-process core, then closes it (releasing the profile lock). When
 * another process holds the profile (the app, browser mode, a `clientele sync` left running), the
 * command goes to that process's core over its control socket instead (main/core/control/), and
 * says so on stderr.
 */
export async function withCore(
  options: GlobalOptions,
  run: (core: CliCore) => Promise<number>,
  extra: { backgroundSync?: boolean } = {},
): Promise<number> {
  const log = createLogger('clientele-cli', 'warn', { forTerminal: process.stderr.isTTY === true });
  const dataDir = options.dataDir ?? defaultDataDir();
  let core: Core;
  try {
    core = await startCore({ dataDir, log, ...extra });
  } catch (error) {
    const remote = await heldElsewhere(error, dataDir);
    if (!remote) throw error;
    try {
      return await run(remote);
    } finally {
      await remote.close();
    }
  }
  try {
    return await run(core);
  } finally {
    await core.close();
  }
}

/** The core of the process that holds the profile, when `error` says one does and it answers. */
async function heldElsewhere(error: unknown, dataDir: string): Promise<RemoteCore | null> {
  const ownerPid = isAppError(error) && error.code === 'PROFILE_LOCKED' ? ownerOf(error.details) : null;
  const path = ownerPid === null ? null : controlSocketPath(profilePaths(dataDir).dir);
  const remote = path ? await connectControl(path) : null;
  if (remote) process.stderr.write(`(this profile is open in Clientele process ${ownerPid}: asking it)\n`);
  return remote;
}

function ownerOf(details: unknown): number | null {
  const pid = (details as { ownerPid?: unknown } | undefined)?.ownerPid;
  return typeof pid === 'number' ? pid : null;
}

export function call(core: CliCore, method: CallName, input: unknown): Promise<Result<unknown>> {
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
