import { Command, InvalidArgumentError } from 'commander';
import { fileURLToPath } from 'node:url';
import { contract, isCallName } from '../common/api/contract.js';
import type { AccountSyncStatus } from '../common/domain/mail.js';
import type { AppState, Settings } from '../common/domain/profile.js';
import type { SearchIndexing } from '../common/domain/search.js';
import { describeAccountSync } from './cli/describe-sync.js';
import type { Result } from '../common/result.js';
import { actionFactory, call, withCore } from './cli/context.js';
import { registerAttachmentCommands } from './cli/attachment-commands.js';
import { registerBlocklistCommands } from './cli/blocklist-commands.js';
import { registerCrmCommands } from './cli/crm-commands.js';
import { registerCsvCommands } from './cli/csv-commands.js';
import { registerDealCommands } from './cli/deal-commands.js';
import { registerFolderCommands } from './cli/folder-commands.js';
import { registerMailCommands } from './cli/mail-commands.js';
import { registerOAuthCommands } from './cli/oauth-commands.js';
import { describeSearchIndexing, registerSearchCommands } from './cli/search-commands.js';
import { registerTeamCommands } from './cli/team-commands.js';
import { emit } from './cli/output.js';
import { readLineFromStdin } from './cli/read-secret.js';

function describeState(state: AppState): string {
  switch (state.phase) {
    case 'onboarding':
      return 'No profile here yet. Create one with: clientele init --name "Your name"';
    case 'locked':
      return `Locked (${state.error.code}): ${state.error.message}${state.canRecover ? '\nRestore access with: clientele recover' : ''}`;
    case 'ready':
      return `Ready: profile "${state.profile.displayName}" (${state.profile.id}), created ${state.profile.createdAt}`;
  }
}

function describeSettings(settings: Settings): string {
  return [`theme            ${settings.theme}`, `backfill months  ${settings.backfillMonths ?? 'everything'}`].join(
    '\n',
  );
}

/** Commander turns a null from a parser into '', so "everything" travels as the word 'all'. */
function parseBackfill(value: string): number | 'all' {
  if (value === 'all' || value === 'everything') return 'all';
  const months = Number(value);
  if (!Number.isInteger(months)) throw new InvalidArgumentError('a whole number of months, or "all"');
  return months;
}

export function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('clientele')
    .description('Clientele from the command line: the same services as the app, on one profile.')
    .option('--data-dir <dir>', 'profile folder (default: $CLIENTELE_DATA_DIR or the OS app-data folder)')
    .option('--json', 'print the call result as JSON: {ok, value} or {ok:false, error}')
    .showHelpAfterError();

  const action = actionFactory(setExitCode);

  program
    .command('status')
    .description("Show whether the profile exists, is locked (and why) or ready, and each account's sync health")
    .action(
      action((options) =>
        withCore(options, async (core) => {
          const state = (await call(core, 'app.state', {})) as Result<AppState>;
          if (!state.ok || state.value.phase !== 'ready') return emit(state, options.json === true, describeState);
          const sync = (await call(core, 'sync.status', {})) as Result<AccountSyncStatus[]>;
          // Search lags the sync (it is indexed afterwards): say how far, so missing hits have a reason.
          const search = (await call(core, 'search.indexing', {})) as Result<SearchIndexing>;
          const value = {
            ...state.value,
            sync: sync.ok ? sync.value : [],
            ...(search.ok ? { search: search.value } : {}),
          };
          return emit({ ok: true, value }, options.json === true, (v) =>
            [
              describeState(v),
              ...v.sync.map(describeAccountSync),
              ...(v.search && v.sync.length > 0 ? [describeSearchIndexing(v.search)] : []),
            ].join('\n'),
          );
        }),
      ),
    );

  program
    .command('init')
    .description('Create the profile and its encrypted store; prints the recovery key once')
    .requiredOption('--name <name>', 'your name, shown in the app')
    .action(
      action((options, command) =>
        withCore(options, async (core) => {
          const result = (await call(core, 'profile.create', {
            displayName: command.opts<{ name: string }>().name,
          })) as Result<{ profile: { id: string }; recoveryKey: string }>;
          return emit(result, options.json === true, (value) =>
            [
              `Profile ${value.profile.id} created.`,
              '',
              'Your recovery key (shown only now; keep it somewhere safe, e.g. a password manager):',
              '',
              `  ${value.recoveryKey}`,
              '',
              'You need it if the system keychain is reset or you move this profile to another computer.',
            ].join('\n'),
          );
        }),
      ),
    );

  program
    .command('recover')
    .description('Restore the keychain entry from the recovery key (read from stdin, never from arguments)')
    .action(
      action((options) =>
        withCore(options, async (core) => {
          const recoveryKey = await readLineFromStdin('Recovery key: ');
          const result = await call(core, 'profile.recover', { recoveryKey });
          return emit(
            result as Result<{ displayName: string }>,
            options.json === true,
            (value) => `Access restored to profile "${value.displayName}".`,
          );
        }),
      ),
    );

  const recoveryKey = program.command('recovery-key').description('Manage the recovery key');
  recoveryKey
    .command('rotate')
    .description('Create a new recovery key; the old one stops working')
    .action(
      action((options) =>
        withCore(options, async (core) =>
          emit(
            (await call(core, 'profile.rotateRecoveryKey', {})) as Result<{ recoveryKey: string }>,
            options.json === true,
            (value) => `New recovery key (the old one no longer works):\n\n  ${value.recoveryKey}\n`,
          ),
        ),
      ),
    );

  const settings = program.command('settings').description('Read or change profile settings');
  settings
    .command('get')
    .description('Show the settings')
    .action(
      action((options) =>
        withCore(options, async (core) =>
          emit((await call(core, 'settings.get', {})) as Result<Settings>, options.json === true, describeSettings),
        ),
      ),
    );
  settings
    .command('set')
    .description('Change settings')
    .option('--theme <theme>', 'system, light or dark')
    .option('--backfill-months <months>', 'how far back the first sync reaches, or "all"', parseBackfill)
    .action(
      action((options, command) =>
        withCore(options, async (core) => {
          const { theme, backfillMonths } = command.opts<{ theme?: string; backfillMonths?: number | 'all' }>();
          const patch: Record<string, unknown> = {};
          if (theme !== undefined) patch.theme = theme;
          if (backfillMonths !== undefined) patch.backfillMonths = backfillMonths === 'all' ? null : backfillMonths;
          return emit(
            (await call(core, 'settings.update', patch)) as Result<Settings>,
            options.json === true,
            describeSettings,
          );
        }),
      ),
    );

  program
    .command('calls')
    .description('List every API call (the contract) with its permission')
    .action(
      action(async (options) => {
        const rows = Object.entries(contract).map(([name, spec]) => ({
          name,
          summary: spec.summary,
          permission: spec.permission === 'public' ? 'public' : `${spec.permission.object}:${spec.permission.action}`,
        }));
        return emit({ ok: true, value: rows }, options.json === true, (value) =>
          value.map((row) => `${row.name.padEnd(28)} ${row.permission.padEnd(16)} ${row.summary}`).join('\n'),
        );
      }),
    );

  program
    .command('call')
    .description('Make any API call by name with a JSON input (see "clientele calls")')
    .argument('<method>', 'call name, e.g. settings.get')
    .argument('[input]', 'JSON input', '{}')
    .action(
      action((options, command) =>
        withCore(options, async (core) => {
          const [method, inputText] = command.args as [string, string | undefined];
          if (!isCallName(method)) {
            return emit(
              { ok: false, error: { code: 'NOT_FOUND', message: `Unknown call "${method}".` } },
              options.json === true,
              () => '',
            );
          }
          let input: unknown;
          try {
            input = JSON.parse(inputText ?? '{}');
          } catch {
            return emit(
              { ok: false, error: { code: 'VALIDATION', message: 'The input is not valid JSON.' } },
              options.json === true,
              () => '',
            );
          }
          return emit(await call(core, method, input), options.json === true, (value) =>
            JSON.stringify(value, null, 2),
          );
        }),
      ),
    );

  registerMailCommands(program, action);
  registerOAuthCommands(program, action);
  registerFolderCommands(program, action);
  registerAttachmentCommands(program, action);
  registerSearchCommands(program, action);
  registerCrmCommands(program, action);
  registerCsvCommands(program, action);
  registerDealCommands(program, action);
  registerBlocklistCommands(program, action);
  registerTeamCommands(program, action);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode;
    if (typeof code === 'number') return code === 0 ? 0 : 2;
    const message = (error as Error).message;
    const appCode = (error as { code?: string }).code;
    if (argv.includes('--json')) {
      process.stdout.write(
        `${JSON.stringify({ ok: false, error: { code: appCode ?? 'INTERNAL', message } }, null, 2)}\n`,
      );
    } else {
      process.stderr.write(`Error ${appCode ?? 'INTERNAL'}: ${message}\n`);
    }
    return 1;
  }
  return exitCode;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
