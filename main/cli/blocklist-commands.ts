import type { Command } from 'commander';
import type { BlockEntry, BlockKind, BlockPreview, BlockResult } from '../../common/domain/blocklist.js';
import { fail, ok, type Result } from '../../common/result.js';
import { call, withCore, type ActionFactory, type CliCore } from './context.js';
import { emit } from './output.js';

/** What `block remove --json` prints as its value. */
export type UnblockOutcome = { entry: BlockEntry; released: number };

export function registerBlocklistCommands(program: Command, action: ActionFactory): void {
  const block = program
    .command('block')
    .description('Block senders by address or domain: their stored mail is deleted and new mail kept out');

  block
    .command('list')
    .description('List blocked addresses and domains')
    .action(
      action((options) =>
        withCore(options, async (core) => {
          const result = (await call(core, 'blocklist.list', {})) as Result<BlockEntry[]>;
          return emit(result, options.json === true, describeList);
        }),
      ),
    );

  block
    .command('add')
    .description('Block an address (ada@example.com) or a domain with its subdomains (example.com, @example.com)')
    .argument('<sender>', 'an email address or a domain')
    .option('--dry-run', 'only say how many stored messages blocking would delete')
    .action(
      action((options, command) =>
        withCore(options, async (core) => {
          const sender = command.args[0]!;
          const input = { kind: kindOf(sender), value: sender };
          if (command.opts<{ dryRun?: boolean }>().dryRun) {
            const preview = (await call(core, 'blocklist.preview', input)) as Result<BlockPreview>;
            return emit(preview, options.json === true, describePreview);
          }
          const result = (await call(core, 'blocklist.add', input)) as Result<BlockResult>;
          return emit(result, options.json === true, describeBlocked);
        }),
      ),
    );

  block
    .command('remove')
    .description('Unblock: the next sync (clientele sync --once) fetches the mail the entry kept out again')
    .argument('<entry>', 'the address or domain as `block list` shows it, or its id')
    .action(
      action((options, command) =>
        withCore(options, async (core) => {
          const entry = await findEntry(core, command.args[0]!);
          if (!entry.ok) return emit(entry, options.json === true, () => '');
          const removed = (await call(core, 'blocklist.remove', { id: entry.value.id })) as Result<{
            released: number;
          }>;
          const result: Result<UnblockOutcome> = removed.ok
            ? ok({ entry: entry.value, released: removed.value.released })
            : removed;
          return emit(result, options.json === true, describeUnblocked);
        }),
      ),
    );
}

/** An address has an @ before its domain; anything else (example.com, @example.com) is a domain. */
export function kindOf(sender: string): BlockKind {
  return sender.trim().lastIndexOf('@') > 0 ? 'address' : 'domain';
}

async function findEntry(core: CliCore, text: string): Promise<Result<BlockEntry>> {
  const list = (await call(core, 'blocklist.list', {})) as Result<BlockEntry[]>;
  if (!list.ok) return list;
  const wanted = text.trim().toLowerCase().replace(/^@/, '');
  const found = list.value.find((entry) => String(entry.id) === wanted || entry.value === wanted);
  return found ? ok(found) : fail({ code: 'NOT_FOUND', message: `${text} is not blocked (see clientele block list).` });
}

function describeList(entries: BlockEntry[]): string {
  if (entries.length === 0) return 'No blocked senders.';
  return entries
    .map(
      (entry) =>
        `${String(entry.id).padStart(4)}  ${entry.kind.padEnd(7)}  ${entry.value}  (${count(entry.blockedMessages)} kept out)`,
    )
    .join('\n');
}

function describePreview(preview: BlockPreview): string {
  if (preview.alreadyBlocked) return `${preview.value} is already blocked.`;
  return `Blocking ${preview.value} would delete ${count(preview.messages)} from this computer.`;
}

function describeBlocked(result: BlockResult): string {
  return `Blocked ${result.entry.value}: ${count(result.removed)} deleted from this computer.`;
}

function describeUnblocked(outcome: UnblockOutcome): string {
  return (
    `Unblocked ${outcome.entry.value}: the next sync fetches ${outcome.released} ` +
    `${outcome.released === 1 ? 'copy' : 'copies'} of its mail again.`
  );
}

function count(n: number): string {
  return `${n} ${n === 1 ? 'message' : 'messages'}`;
}
