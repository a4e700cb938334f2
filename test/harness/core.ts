import type { AppState } from '../../common/domain/profile.js';
import type { Result } from '../../common/result.js';
// The compiled core, as the app runs it: its MIME parser runs in worker threads, which Node 20
// can start only from JavaScript (see main/sync/mime/parser-pool.ts). npm test builds first.
import { startCore, type CoreOptions } from '../../out/main/core/core.js';
import { assertBuildIsCurrent } from './compiled.js';
import { silentLogger } from '../../out/main/util/logger.js';

/** A core as the CLI runs it, in this process, with a silent logger. */
export async function openTestCore(dataDir: string, extra: Partial<CoreOptions> = {}) {
  assertBuildIsCurrent();
  const core = await startCore({ dataDir, log: silentLogger(), ...extra });
  return {
    ...core,
    async call<T = unknown>(method: string, input: unknown = {}): Promise<Result<T>> {
      return (await core.dispatch({ transport: 'in-process' }, method, input)) as Result<T>;
    },
    async state(): Promise<AppState> {
      const result = (await core.dispatch({ transport: 'in-process' }, 'app.state', {})) as Result<AppState>;
      if (!result.ok) throw new Error(result.error.message);
      return result.value;
    },
  };
}

export function expectOk<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`Expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}
