import type { Command } from 'commander';
import type { AccountSummary, OAuthFlowStarted, OAuthProvider } from '../../common/domain/mail.js';
import type { Result } from '../../common/result.js';
import { openSystemBrowser } from '../platform/system-browser.js';
import { call, withCore, type ActionFactory, type GlobalOptions, type CliCore } from './context.js';
import { emit } from './output.js';

const LABELS: Record<OAuthProvider, string> = { gmail: 'Gmail', graph: 'Microsoft 365' };

/**
 * `account add gmail|graph` and `account reconnect ID`: the same OAuth flow as the app. The
 * sign-in URL is printed (to stderr with --json, so stdout stays one JSON document), the system
 * browser is opened when one can be (not being able to is not an error), and the command waits
 * for the browser to come back. Ctrl-C cancels.
 */
export function registerOAuthCommands(program: Command, action: ActionFactory): void {
  const account = program.commands.find((command) => command.name() === 'account');
  const add = account?.commands.find((command) => command.name() === 'add');
  if (!account || !add) throw new Error('registerOAuthCommands needs the account commands registered first');

  for (const provider of ['gmail', 'graph'] as const) {
    add
      .command(provider)
      .description(
        `Connect a ${LABELS[provider]} account: sign in in your browser (nothing to type here; OAuth with PKCE)`,
      )
      .option('--no-browser', 'only print the sign-in link, do not try to open a browser')
      .action(
        action((options, command) =>
          withCore(options, (core) =>
            runFlow(core, options, command.opts<{ browser: boolean }>().browser, () =>
              call(core, 'accounts.beginOAuth', { provider }),
            ),
          ),
        ),
      );
  }

  account
    .command('reconnect')
    .description('Sign in again to a Gmail or Microsoft 365 account whose access was revoked (sync error AUTH)')
    .argument('<id>', 'account id (see account list)')
    .option('--no-browser', 'only print the sign-in link, do not try to open a browser')
    .action(
      action((options, command) =>
        withCore(options, (core) =>
          runFlow(core, options, command.opts<{ browser: boolean }>().browser, () =>
            call(core, 'accounts.reconnectOAuth', { accountId: command.args[0] }),
          ),
        ),
      ),
    );
}

async function runFlow(
  core: CliCore,
  options: GlobalOptions,
  tryBrowser: boolean,
  begin: () => Promise<Result<unknown>>,
): Promise<number> {
  const json = options.json === true;
  const begun = (await begin()) as Result<OAuthFlowStarted>;
  if (!begun.ok) return emit(begun, json, () => '');
  const { flowId, authorizationUrl, provider } = begun.value;
  // Human output on stdout; with --json the prompt goes to stderr and stdout holds only the result.
  const say = (line: string): void => void (json ? process.stderr : process.stdout).write(`${line}\n`);
  say(`Sign in to ${LABELS[provider]} in your browser:\n\n  ${authorizationUrl}\n`);
  const opened = tryBrowser && (await openSystemBrowser(authorizationUrl));
  say(
    opened
      ? 'Your browser should have opened that page. Waiting for you to sign in (Ctrl-C to cancel)...'
      : 'Open that link in a browser on this computer. Waiting for you to sign in (Ctrl-C to cancel)...',
  );
  const cancel = (): void => void call(core, 'accounts.cancelOAuth', { flowId });
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  try {
    const result = (await call(core, 'accounts.completeOAuth', { flowId })) as Result<AccountSummary>;
    return emit(
      result,
      json,
      (value) => `Connected ${value.email} (${LABELS[value.kind as OAuthProvider]}, account ${value.id}).`,
    );
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
  }
}
