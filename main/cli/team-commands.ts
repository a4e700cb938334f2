import type { Command } from 'commander';
import type { TeamStatus } from '../../common/api/team.js';
import type { Result } from '../../common/result.js';
import { call, withCore, type ActionFactory } from './context.js';
import { registerGrantCommands } from './grant-commands.js';
import { emit } from './output.js';
import { readLineFromStdin } from './read-secret.js';

function describeStatus(status: TeamStatus): string {
  if (!status.enrolled) return 'Not enrolled with a team server: this profile is a single user who may do everything.';
  const policy = status.policy
    ? `policy      version ${status.policy.version}, expires ${status.policy.expiresAt} (received ${status.policy.receivedAt})`
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
    .requiredOption('--email <email>', 'your account on the team server')
    .option('--password-stdin', 'read the password from stdin (the only way to pass it)')
    .option('--fingerprint <thumbprint>', 'refuse the server unless its workspace key has this fingerprint')
    .action(
      action(async (options, command) => {
        const opts = command.opts<{ server: string; email: string; passwordStdin?: boolean; fingerprint?: string }>();
        if (!opts.passwordStdin) {
          return emit(
            { ok: false, error: { code: 'VALIDATION', message: 'Pass --password-stdin and pipe the password in.' } },
            options.json === true,
            () => '',
          );
        }
        const password = await readLineFromStdin('Team server password: ');
        return withCore(options, async (core) => {
          const result = (await call(core, 'team.enroll', {
            serverUrl: opts.server,
            email: opts.email,
            password,
            ...(opts.fingerprint ? { expectedFingerprint: opts.fingerprint } : {}),
          })) as Result<TeamStatus>;
          return emit(result, options.json === true, (status) => `Enrolled.\n${describeStatus(status)}`);
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
