import type { Command } from 'commander';
import type { TeamSsoStarted, TeamStatus } from '../../common/api/team.js';
import type { Result } from '../../common/result.js';
import { openSystemBrowser } from '../platform/system-browser.js';
import { call, withCore, type ActionFactory, type CliCore } from './context.js';
import { registerGrantCommands } from './grant-commands.js';
import { emit } from './output.js';
import { readLineFromStdin } from './read-secret.js';

function describeStatus(status: TeamStatus): string {
  if (!status.enrolled) return 'Not enrolled with a team server: this profile is a single user who may do everything.';
  const policy = status.policy
    ? `policy      version ${status.policy.version}, expires ${status.policy.expiresAt} (received ${status.policy.receivedAt})\n` +
      `            works offline until ${status.policy.worksOfflineUntil} (${status.policy.offlineGraceHours} h grace), then read-only`
    : 'policy      none received yet: only public calls work until one arrives';
  return [
    `server      ${status.serverUrl}`,
    `user        ${status.userId}`,
    `workspace   ${status.workspaceId}`,
    `key         ${status.workspaceFingerprint} (compare with the fingerprint your admin published)`,
    `enrolled    ${status.enrolledAt}`,
    policy,
  ].join('\n');
}

/** `team enroll`, `team status` and `team grant ...`: the team server link, as the Settings page offers it. */
export function registerTeamCommands(program: Command, action: ActionFactory): void {
  const team = program.command('team').description('The team server link: enroll this profile, see its policy');

  team
    .command('enroll')
    .description('Enroll with a team server: sign in, pin the workspace key, apply the signed policy')
    .requiredOption('--server <url>', 'the team server, https://... (http:// only to localhost)')
    .option('--email <email>', 'your account on the team server (password sign-in)')
    .option('--password-stdin', 'read the password from stdin (the only way to pass it)')
    .option('--sso', "sign in with the team server's single sign-on in your browser instead of a password")
    .option('--no-browser', 'with --sso: only print the sign-in link, do not try to open a browser')
    .option('--fingerprint <thumbprint>', 'refuse the server unless its workspace key has this fingerprint')
    .action(
      action(async (options, command) => {
        const opts = command.opts<{
          server: string;
          email?: string;
          passwordStdin?: boolean;
          sso?: boolean;
          browser: boolean;
          fingerprint?: string;
        }>();
        const json = options.json === true;
        const refuse = (message: string): number =>
          emit({ ok: false, error: { code: 'VALIDATION', message } }, json, () => '');
        const fingerprint = opts.fingerprint ? { expectedFingerprint: opts.fingerprint } : {};
        if (opts.sso) {
          if (opts.email || opts.passwordStdin)
            return refuse('--sso signs in in the browser: leave out --email and --password-stdin.');
          return withCore(options, (core) =>
            enrollBySso(core, json, opts.browser, { serverUrl: opts.server, ...fingerprint }),
          );
        }
        if (!opts.email) return refuse('Pass --email (and --password-stdin), or --sso.');
        if (!opts.passwordStdin) return refuse('Pass --password-stdin and pipe the password in.');
        const password = await readLineFromStdin('Team server password: ');
        return withCore(options, async (core) => {
          const result = (await call(core, 'team.enroll', {
            serverUrl: opts.server,
            email: opts.email,
            password,
            ...fingerprint,
          })) as Result<TeamStatus>;
          return emit(result, json, (status) => `Enrolled.\n${describeStatus(status)}`);
        });
      }),
    );

  team
    .command('status')
    .description('Whether this profile is enrolled, with which server, workspace key and policy')
    .action(
      action((options) =>
        withCore(options, async (core) => {
          const result = (await call(core, 'team.status', {})) as Result<TeamStatus>;
          return emit(result, options.json === true, describeStatus);
        }),
      ),
    );

  registerGrantCommands(team, action);
}

/**
 * `team enroll --sso`: the core starts the sign-in (loopback listener, PKCE); the link is printed (to
 * stderr with --json), the browser opened when one can be, and the command waits. Ctrl-C cancels.
 */
async function enrollBySso(
  core: CliCore,
  json: boolean,
  tryBrowser: boolean,
  input: { serverUrl: string; expectedFingerprint?: string },
): Promise<number> {
  const begun = (await call(core, 'team.enrollSso', input)) as Result<TeamSsoStarted>;
  if (!begun.ok) return emit(begun, json, () => '');
  const { flowId, authorizationUrl } = begun.value;
  const say = (line: string): void => void (json ? process.stderr : process.stdout).write(`${line}\n`);
  say(`Sign in to your team server in your browser:\n\n  ${authorizationUrl}\n`);
  const opened = tryBrowser && (await openSystemBrowser(authorizationUrl));
  say(
    opened
      ? 'Your browser should have opened that page. Waiting for you to sign in (Ctrl-C to cancel)...'
      : 'Open that link in a browser on this computer. Waiting for you to sign in (Ctrl-C to cancel)...',
  );
  const cancel = (): void => void call(core, 'team.cancelSso', { flowId });
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  try {
    const result = (await call(core, 'team.completeSso', { flowId })) as Result<TeamStatus>;
    return emit(result, json, (status) => `Enrolled.\n${describeStatus(status)}`);
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
  }
}
