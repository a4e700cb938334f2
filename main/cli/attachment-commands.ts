import { InvalidArgumentError, type Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { AttachmentContent, MessageAttachments } from '../../common/domain/attachments.js';
import { fail, ok, type Result } from '../../common/result.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { call, withCore, type ActionFactory } from './context.js';
import { emit } from './output.js';

/** What `attachment save --json` prints as its value (the content went to the file). */
export type SavedAttachment = { path: string; filename: string | null; contentType: string; size: number };

export function registerAttachmentCommands(program: Command, action: ActionFactory): void {
  const attachment = program
    .command('attachment')
    .description('Attachments stay on the mail server: list what is known of them, download one');

  attachment
    .command('list')
    .description('The newest messages with attachments (message id, part, name, type, size)')
    .option('--account <id>', 'only this account')
    .option('--limit <n>', 'how many messages (1-500)', positiveInt, 50)
    .action(
      action((options, command) =>
        withCore(options, async (core) => {
          const { account, limit } = command.opts<{ account?: string; limit: number }>();
          const input = { limit, ...(account ? { accountId: account } : {}) };
          const result = (await call(core, 'mail.listAttachments', input)) as Result<MessageAttachments[]>;
          return emit(result, options.json === true, describeListing);
        }),
      ),
    );

  attachment
    .command('save')
    .description('Download an attachment from the server into a file')
    .argument('<message>', 'the message id, as `attachment list` shows it', positiveInt)
    .argument('<part>', 'the MIME part, as `attachment list` shows it (e.g. 2 or 1.2)')
    .option('--out <path>', 'the file, or a directory for the attachment under its own name (default: here)')
    .option('--force', 'replace the file if it exists')
    .action(
      action((options, command) =>
        withCore(options, async (core) => {
          const [messageId, partId] = command.processedArgs as [number, string];
          const { out, force } = command.opts<{ out?: string; force?: boolean }>();
          const downloaded = (await call(core, 'mail.downloadAttachment', {
            messageId,
            partId,
          })) as Result<AttachmentContent>;
          const saved = downloaded.ok ? save(downloaded.value, messageId, partId, out, force === true) : downloaded;
          return emit(saved, options.json === true, (value) => `Saved ${value.size} bytes to ${value.path}`);
        }),
      ),
    );
}

function save(
  content: AttachmentContent,
  messageId: number,
  partId: string,
  out: string | undefined,
  force: boolean,
): Result<SavedAttachment> {
  // Only the last path segment of a name from the mail: a sender must not choose where it lands.
  const name = basename(content.filename?.replace(/\\/g, '/') ?? '') || `message-${messageId}-part-${partId}`;
  const target = out === undefined ? resolve(name) : isDirectory(out) ? join(resolve(out), name) : resolve(out);
  if (existsSync(target) && !force) {
    return fail({ code: 'CONFLICT', message: `${target} exists; pass --force to replace it.` });
  }
  const bytes = Buffer.from(content.contentBase64, 'base64');
  writeFileAtomic(target, bytes);
  return ok({ path: target, filename: content.filename, contentType: content.contentType, size: bytes.length });
}

function isDirectory(path: string): boolean {
  return path.endsWith('/') || (existsSync(path) && statSync(path).isDirectory());
}

function describeListing(messages: MessageAttachments[]): string {
  if (messages.length === 0) return 'No message with attachments yet.';
  const lines: string[] = [];
  for (const message of messages) {
    lines.push(
      `${message.messageId}  ${message.date.slice(0, 10)}  ${message.from}  ${message.subject ?? '(no subject)'}`,
    );
    for (const item of message.attachments) {
      const name = item.filename ?? '(no name)';
      lines.push(`    part ${item.partId ?? '?'}  ${name}  ${item.contentType}  ${formatSize(item.size)}`);
    }
  }
  return lines.join('\n');
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function positiveInt(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('a whole number ≥ 1');
  return number;
}
