import type { Command } from 'commander';
import type { AccountSyncStatus, FolderProgress } from '../../common/domain/mail.js';
import { fail, ok, type Result } from '../../common/result.js';
import { call, withCore, type ActionFactory, type CliCore } from './context.js';
import { emit } from './output.js';

/** What `folder list --json` prints as its value. */
export type FolderListing = { accountId: string; email: string; folders: FolderProgress[] };

export function registerFolderCommands(program: Command, action: ActionFactory): void {
  const folder = program
    .command('folder')
    .description("List a mail account's folders and choose which of them sync (Junk and Trash are off at first)");

  folder
    .command('list')
    .description('List the folders of an account (known after its first sync), synced or not')
    .option('--account <id>', 'the account (may be left out when the profile has only one)')
    .action(
      action((options, command) =>
        withCore(options, async (core) => {
          const account = await resolveAccount(core, command.opts<{ account?: string }>().account);
          const listing: Result<FolderListing> = account.ok
            ? ok({ accountId: account.value.accountId, email: account.value.email, folders: account.value.folders })
            : account;
          return emit(listing, options.json === true, describeFolders);
        }),
      ),
    );

  for (const enabled of [true, false]) {
    folder
      .command(enabled ? 'enable' : 'disable')
      .description(
        enabled
          ? 'Sync this folder from the next sync on'
          : 'Stop syncing this folder; the mail already copied from it stays on this computer',
      )
      .argument('<path>', 'the folder path, as `folder list` shows it')
      .option('--account <id>', 'the account (may be left out when the profile has only one)')
      .action(
        action((options, command) =>
          withCore(options, async (core) => {
            const account = await resolveAccount(core, command.opts<{ account?: string }>().account);
            if (!account.ok) return emit(account, options.json === true, () => '');
            const folderPath = command.args[0]!;
            const input = { accountId: account.value.accountId, folderPath, enabled };
            const result = (await call(core, 'sync.setFolderEnabled', input)) as Result<FolderProgress>;
            return emit(result, options.json === true, (value) => describeToggle(account.value.email, value));
          }),
        ),
      );
  }
}

/** The account named by --account, or the only one the profile has. */
async function resolveAccount(core: CliCore, accountId: string | undefined): Promise<Result<AccountSyncStatus>> {
  const status = (await call(core, 'sync.status', {})) as Result<AccountSyncStatus[]>;
  if (!status.ok) return status;
  const accounts = status.value;
  if (accountId !== undefined) {
    const found = accounts.find((account) => account.accountId === accountId);
    return found
      ? ok(found)
      : fail({ code: 'NOT_FOUND', message: `No account ${accountId} (see clientele account list).` });
  }
  if (accounts.length === 1) return ok(accounts[0]!);
  if (accounts.length === 0) {
    return fail({ code: 'NOT_FOUND', message: 'No mail account yet: clientele account add imap --help' });
  }
  return fail({
    code: 'VALIDATION',
    message: `This profile has ${accounts.length} accounts: pass --account ID (see clientele account list).`,
  });
}

function describeFolders(listing: FolderListing): string {
  const lines = [`${listing.email} [${listing.accountId}]`];
  if (listing.folders.length === 0)
    lines.push('  No folders known yet: they are listed by the first sync (sync --once).');
  for (const folder of listing.folders) {
    const path = folder.path.padEnd(24);
    if (folder.syncEnabled) {
      const filling = folder.backfillComplete ? '' : ' (filling)';
      lines.push(`  on   ${path} ${String(folder.done).padStart(7)} / ${folder.total}${filling}`);
    } else {
      lines.push(`  off  ${path} not synced${folder.done > 0 ? `, ${folder.done} kept` : ''}`);
    }
  }
  return lines.join('\n');
}

function describeToggle(email: string, folder: FolderProgress): string {
  if (folder.syncEnabled) return `${folder.path} of ${email} is synced from the next sync on.`;
  const kept =
    folder.done > 0
      ? ` The ${folder.done} ${folder.done === 1 ? 'message' : 'messages'} already copied stay on this computer.`
      : '';
  return `${folder.path} of ${email} is no longer synced.${kept}`;
}
