import { Option, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import type { AccountSummary, AccountSyncStatus } from '../../common/domain/mail.js';
import type { Result } from '../../common/result.js';
import { call, withCore, type ActionFactory } from './context.js';
import { describeAccountSync } from './describe-sync.js';
import { emit } from './output.js';
import { LiveBlock } from './progress-line.js';
import { readLineFromStdin } from './read-secret.js';

type AddImapOptions = {
  email?: string;
  host: string;
  port?: string;
  user?: string;
  name?: string;
  passwordStdin?: boolean;
  security: 'tls' | 'starttls';
  caFile?: string;
};

export function registerMailCommands(program: Command, action: ActionFactory): void {
  const account = program.command('account').description('Connect, list and remove mail accounts');

  account
    .command('add')
    .description('Connect a mailbox')
    .command('imap')
    .description('Connect an IMAP mailbox; the password is read from stdin, never from arguments')
    .requiredOption('--host <host>', 'IMAP server')
    .option('--email <address>', 'the mailbox address (default: --user when it is an address)')
    .option('--port <port>', 'IMAP port (default 993 with --tls, 143 with --starttls)')
    .option('--user <user>', 'login name (default: --email)')
    .option('--name <name>', 'display name')
    .option('--password-stdin', 'read the password from stdin (the only way to pass it)')
    .addOption(new Option('--tls', 'TLS from the first byte (default)').implies({ security: 'tls' }))
    .addOption(new Option('--starttls', 'plain connection upgraded with STARTTLS').implies({ security: 'starttls' }))
    .addOption(new Option('--security <mode>').choices(['tls', 'starttls']).default('tls').hideHelp())
    .option('--ca-file <pem>', "trust this server's own certificate or private CA (PEM file)")
    .action(
      action((options, command) =>
        withCore(options, async (core) => {
          const opts = command.opts<AddImapOptions>();
          if (!opts.passwordStdin) {
            return emit(
              { ok: false, error: { code: 'VALIDATION', message: 'Pass --password-stdin and pipe the password in.' } },
              options.json === true,
              () => '',
            );
          }
          const user = opts.user ?? opts.email;
          const email = opts.email ?? (user?.includes('@') ? user : undefined);
          if (!user || !email) {
            return emit(
              {
                ok: false,
                error: { code: 'VALIDATION', message: 'Pass --user and --email (or a --user that is an address).' },
              },
              options.json === true,
              () => '',
            );
          }
          const password = await readLineFromStdin('IMAP password: ');
          const input = {
            email,
            host: opts.host,
            port: Number(opts.port ?? (opts.security === 'starttls' ? 143 : 993)),
            security: opts.security,
            user,
            password,
            ...(opts.name ? { displayName: opts.name } : {}),
            ...(opts.caFile ? { caCertPem: readFileSync(opts.caFile, 'utf8') } : {}),
          };
          const result = (await call(core, 'accounts.addImap', input)) as Result<AccountSummary>;
          return emit(result, options.json === true, (value) => `Connected ${value.email} (account ${value.id}).`);
        }),
      ),
    );

  account
    .command('list')
    .description('List connected accounts')
    .action(
      action((options) =>
        withCore(options, async (core) =>
          emit((await call(core, 'accounts.list', {})) as Result<AccountSummary[]>, options.json === true, (value) =>
            value.length === 0
              ? 'No accounts yet: clientele account add imap --help'
              : value.map((a) => `${a.id}  ${a.kind}  ${a.email}  ${a.host ?? ''}`).join('\n'),
          ),
        ),
      ),
    );

  account
    .command('update')
    .description('Change an account: a new password (from stdin), server, port, security or certificate')
    .argument('<id>', 'account id (see account list)')
    .option('--host <host>', 'IMAP server')
    .option('--port <port>', 'IMAP port')
    .option('--user <user>', 'login name')
    .option('--password-stdin', 'read a new password from stdin')
    .addOption(new Option('--tls', 'TLS from the first byte').implies({ security: 'tls' }))
    .addOption(new Option('--starttls', 'plain connection upgraded with STARTTLS').implies({ security: 'starttls' }))
    .addOption(new Option('--security <mode>').choices(['tls', 'starttls']).hideHelp())
    .option('--ca-file <pem>', "trust this server's own certificate or private CA (PEM file)")
    .option('--system-ca', "forget the account's own certificate; trust the system's")
    .action(
      action((options, command) =>
        withCore(options, async (core) => {
          const opts = command.opts<{
            host?: string;
            port?: string;
            user?: string;
            passwordStdin?: boolean;
            security?: 'tls' | 'starttls';
            caFile?: string;
            systemCa?: boolean;
          }>();
          const input: Record<string, unknown> = { id: command.args[0] };
          if (opts.host) input.host = opts.host;
          if (opts.port) input.port = Number(opts.port);
          if (opts.user) input.user = opts.user;
          if (opts.security) input.security = opts.security;
          if (opts.caFile) input.caCertPem = readFileSync(opts.caFile, 'utf8');
          if (opts.systemCa) input.caCertPem = null;
          if (opts.passwordStdin) input.password = await readLineFromStdin('New IMAP password: ');
          const result = (await call(core, 'accounts.updateImap', input)) as Result<AccountSummary>;
          return emit(result, options.json === true, (value) => `Updated ${value.email}.`);
        }),
      ),
    );

  account
    .command('remove')
    .description('Disconnect an account and delete its synced mail from this computer')
    .argument('<id>', 'account id (see account list)')
    .action(
      action((options, command) =>
        withCore(options, async (core) =>
          emit(
            (await call(core, 'accounts.remove', { id: command.args[0] })) as Result<{ removed: boolean }>,
            options.json === true,
            (value) => (value.removed ? 'Removed.' : 'No such account.'),
          ),
        ),
      ),
    );

  program
    .command('sync')
    .description('Sync mail: with --once until up to date, otherwise keep syncing (push + polling) until Ctrl-C')
    .option('--once', 'one pass, then exit')
    .option('--account <id>', 'only this account')
    .action(
      action((options, command) => {
        const opts = command.opts<{ once?: boolean; account?: string }>();
        const input = { wait: true, ...(opts.account ? { accountId: opts.account } : {}) };
        if (opts.once) {
          return withCore(options, async (core) =>
            emit((await call(core, 'sync.run', input)) as Result<AccountSyncStatus[]>, options.json === true, (v) =>
              v.map(describeAccountSync).join('\n'),
            ),
          );
        }
        return withCore(options, (core) => followSync(core, options.json === true), { backgroundSync: true });
      }),
    );
}

/** Prints progress every few seconds until SIGINT/SIGTERM; the core syncs in the background. */
async function followSync(core: Parameters<Parameters<typeof withCore>[1]>[0], json: boolean): Promise<number> {
  // At a terminal the status is redrawn in place; piped, each one is appended as before.
  const block = new LiveBlock(process.stdout);
  const print = async (): Promise<void> => {
    const status = (await call(core, 'sync.status', {})) as Result<AccountSyncStatus[]>;
    if (json) process.stdout.write(`${JSON.stringify(status)}\n`);
    else if (status.ok) block.show(status.value.map(describeAccountSync).join('\n'));
  };
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => void print(), 2000);
    const stop = (): void => {
      clearInterval(timer);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await print();
  return 0;
}
