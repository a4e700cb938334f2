import { InvalidArgumentError, type Command } from 'commander';
import type { GrantView } from '../../common/api/server-grants.js';
import type { Result } from '../../common/result.js';
import { call, withCore, type ActionFactory } from './context.js';
import { emit } from './output.js';

function parseMinutes(value: string): number {
  const minutes = Number(value);
  if (!Number.isInteger(minutes) || minutes < 1) throw new InvalidArgumentError('a whole number of minutes ≥ 1');
  return minutes;
}

/** One line per request: what, status, until when, and the id to cancel it with. */
export function describeGrant(grant: GrantView): string {
  const until =
    grant.status === 'approved' && grant.expiresAt
      ? `until ${grant.expiresAt}`
      : grant.status === 'pending'
        ? `asked for ${grant.requestedMinutes} min`
        : (grant.endedAt ?? grant.decidedAt ?? grant.requestedAt);
  const note = grant.note ? ` (${grant.note})` : '';
  return `${grant.id}  ${grant.status.padEnd(9)}  ${grant.action} ${grant.object} (${grant.scope})  ${until}${note}`;
}

/**
 * `team grant request|list|cancel`: just-in-time grants, as Settings → Team server offers them.
 * The server decides; an approval reaches this profile with the next policy fetch.
 */
export function registerGrantCommands(team: Command, action: ActionFactory): void {
  const grant = team.command('grant').description('Ask the team server for a permission for a while, and follow it');

  grant
    .command('request')
    .description('Ask for one permission for some minutes, with a reason an approver reads')
    .requiredOption('--object <object>', 'contact, company, deal, email, note, task, report, settings or users')
    .requiredOption('--action <action>', 'view, create, edit, delete, communicate or export')
    .requiredOption('--scope <scope>', 'own, team or all')
    .requiredOption('--minutes <n>', 'how long, from the approval (at most the workspace maximum)', parseMinutes)
    .requiredOption('--reason <text>', 'why you need it')
    .action(
      action((options, command) =>
        withCore(options, async (core) => {
          const opts = command.opts<{
            object: string;
            action: string;
            scope: string;
            minutes: number;
            reason: string;
          }>();
          const result = (await call(core, 'team.requestGrant', {
            object: opts.object,
            action: opts.action,
            scope: opts.scope,
            minutes: opts.minutes,
            reason: opts.reason,
          })) as Result<GrantView>;
          return emit(
            result,
            options.json === true,
            (view) => `Asked; waiting for an approver.\n${describeGrant(view)}`,
          );
        }),
      ),
    );

  grant
    .command('list')
    .description('My access requests, newest first, with their status and expiry')
    .action(
      action((options) =>
        withCore(options, async (core) => {
          const result = (await call(core, 'team.listGrants', {})) as Result<GrantView[]>;
          return emit(result, options.json === true, (views) =>
            views.length === 0 ? 'No access requests.' : views.map(describeGrant).join('\n'),
          );
        }),
      ),
    );

  grant
    .command('cancel')
    .description('Withdraw a waiting request, or give back a grant before it expires')
    .argument('<id>', 'the request id (see `team grant list`)')
    .action(
      action((options, command) =>
        withCore(options, async (core) => {
          const result = (await call(core, 'team.cancelGrant', { id: command.args[0] })) as Result<GrantView>;
          return emit(result, options.json === true, (view) => `Cancelled.\n${describeGrant(view)}`);
        }),
      ),
    );
}
