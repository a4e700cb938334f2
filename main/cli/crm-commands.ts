import type { Command } from 'commander';
import {
  ContactMode,
  type AutoCreateSetting,
  type ContactPage,
  type LinkExplanation,
} from '../../common/domain/crm.js';
import { fail, type Result } from '../../common/result.js';
import { call, withCore, type ActionFactory } from './context.js';
import { emit } from './output.js';

export function registerCrmCommands(program: Command, action: ActionFactory): void {
  const contacts = program
    .command('contacts')
    .description('Contacts made from synced mail, and why each address is or is not one');

  contacts
    .command('list')
    .description('List contacts, most recent mail activity first')
    .option('--search <prefix>', 'a prefix of the name or of an address')
    .option('--limit <n>', 'how many (1-500)', '50')
    .option('--cursor <cursor>', 'the next page, as the previous page printed it')
    .action(
      action((options, command) =>
        withCore(options, async (core) => {
          const opts = command.opts<{ search?: string; limit: string; cursor?: string }>();
          const input = {
            limit: Number(opts.limit),
            ...(opts.search !== undefined ? { search: opts.search } : {}),
            ...(opts.cursor !== undefined ? { cursor: opts.cursor } : {}),
          };
          const result = (await call(core, 'contacts.list', input)) as Result<ContactPage>;
          return emit(result, options.json === true, describeContacts);
        }),
      ),
    );

  contacts
    .command('explain')
    .description('Why an address is (or is not) a contact: the rule that decided, in words')
    .argument('<address>', 'an email address')
    .action(
      action((options, command) =>
        withCore(options, async (core) => {
          const result = (await call(core, 'contacts.explain', {
            address: command.args[0]!,
          })) as Result<LinkExplanation>;
          return emit(result, options.json === true, describeExplanation);
        }),
      ),
    );

  contacts
    .command('auto-create')
    .description('Show or set which mail makes contacts: off, sent (mail you sent and the replies) or all')
    .argument('[mode]', `one of ${ContactMode.options.join(', ')}; without it, every account's setting`)
    .option('--account <id>', 'the account (may be left out when the profile has only one)')
    .action(
      action((options, command) =>
        withCore(options, async (core) => {
          const json = options.json === true;
          const settings = (await call(core, 'contacts.autoCreate', {})) as Result<AutoCreateSetting[]>;
          const mode = command.args[0];
          if (mode === undefined || !settings.ok) return emit(settings, json, describeSettings);
          const accountId = command.opts<{ account?: string }>().account ?? onlyAccount(settings.value);
          if (accountId === null) {
            const message = 'Pass --account ID: the profile has no account or several (see clientele account list).';
            return emit(fail({ code: 'VALIDATION', message }), json, () => '');
          }
          const result = (await call(core, 'contacts.setAutoCreate', { accountId, mode })) as Result<AutoCreateSetting>;
          return emit(result, json, (setting) => describeSettings([setting]));
        }),
      ),
    );
}

function onlyAccount(settings: AutoCreateSetting[]): string | null {
  return settings.length === 1 ? settings[0]!.accountId : null;
}

const MODE_WORDS: Record<ContactMode, string> = {
  off: 'off: no contacts are made from its mail',
  sent: 'sent: people you wrote to and those who replied become contacts',
  all: 'all: everyone you exchange mail with becomes a contact',
};

function describeSettings(settings: AutoCreateSetting[]): string {
  if (settings.length === 0) return 'No mail account yet.';
  return settings.map((setting) => `${setting.email} [${setting.accountId}]  ${MODE_WORDS[setting.mode]}`).join('\n');
}

function describeContacts(page: ContactPage): string {
  if (page.items.length === 0) return 'No contacts yet.';
  const lines = page.items.map((contact) => {
    const company = contact.company ? `  ${contact.company.name}` : '';
    const last = contact.lastActivityAt ? `  ${contact.lastActivityAt.slice(0, 10)}` : '';
    return `${String(contact.id).padStart(6)}  ${contact.name} <${contact.email}>${company}${last}`;
  });
  if (page.next) lines.push(`More: --cursor ${page.next}`);
  return lines.join('\n');
}

function describeExplanation(value: LinkExplanation): string {
  const verdict = value.isContact
    ? `${value.address} is a contact (#${value.contactId}).`
    : `${value.address} is not a contact.`;
  const lines = [verdict, `${value.rule}: ${value.explanation}`];
  if (value.companyExplanation) lines.push(`${value.companyRule}: ${value.companyExplanation}`);
  return lines.join('\n');
}
