import type { ContactMode, ParticipantRole } from '../../common/domain/crm.js';
import { companyDomain, companyName } from './company-domain.js';
import { FREE_MAIL_DOMAINS } from './free-mail.js';
import { roleOf } from './role-addresses.js';

/** Every rule a decision can name; contacts.explain returns it with its sentence. */
export type RuleId =
  | 'invalid-address'
  | 'group-address'
  | 'own-address'
  | 'own-domain'
  | 'role-address'
  | 'bulk-mail'
  | 'mode-off'
  | 'mode-sent-only'
  | 'sent-recipient'
  | 'replied-sender'
  | 'received-participant';

export type CompanyRuleId = 'company-from-domain' | 'free-mail-domain';

/** What is known of the message an address was seen in. */
export type LinkContext = {
  role: ParticipantRole;
  direction: 'sent' | 'received';
  /** The account's setting: off, sent mail only, or sent and received. */
  mode: ContactMode;
  /** A received message that answers mail the user sent (In-Reply-To / References). */
  repliesToSent: boolean;
  listId: string | null;
  listUnsubscribe: string | null;
  precedence: string | null;
  autoSubmitted: string | null;
  /** The user's addresses, lower-case: the account's and the aliases it sent from. */
  ownAddresses: ReadonlySet<string>;
  /** The user's company domains (the account's domain unless it is free mail). */
  ownDomains: ReadonlySet<string>;
  freeMailDomains?: ReadonlySet<string>;
};

export type CompanyDecision =
  | { create: true; rule: 'company-from-domain'; domain: string; name: string; explanation: string }
  | { create: false; rule: 'free-mail-domain'; domain: string; explanation: string };

export type Decision =
  | { create: true; rule: RuleId; explanation: string; company: CompanyDecision }
  | { create: false; rule: RuleId; explanation: string; company: null };

const ROLE_WORDS: Record<ParticipantRole, string> = { from: 'sender', to: 'recipient', cc: 'Cc', bcc: 'Bcc' };

/**
 * Whether an address seen in a message becomes (or links to) a contact, and why. Pure: the same
 * address and context always give the same answer. Rules about the address come first (they hold
 * whatever the message), then the message (bulk), then the account's mode.
 */
export function decide(rawAddress: string, context: LinkContext): Decision {
  const address = rawAddress.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  const local = at > 0 ? address.slice(0, at) : address;
  const domain = at > 0 ? address.slice(at + 1) : '';

  if (address === '' || /^undisclosed[-_ ]?recipients?$/.test(local) || address.endsWith(':;')) {
    return skip('group-address', `"${rawAddress}" is a group name without a mailbox (e.g. undisclosed-recipients).`);
  }
  if (at <= 0 || !domain.includes('.') || /\s/.test(address)) {
    return skip('invalid-address', `"${rawAddress}" is not a complete email address.`);
  }
  // The sender of mail the user sent is the user, whatever alias it went out from.
  if (context.ownAddresses.has(address) || (context.direction === 'sent' && context.role === 'from')) {
    return skip('own-address', `${address} is one of your own addresses.`);
  }
  if (context.ownDomains.has(companyDomain(domain))) {
    return skip('own-domain', `${address} is at your own company's domain (${companyDomain(domain)}).`);
  }
  const role = roleOf(local);
  if (role !== null) {
    return skip('role-address', `${address} is a role address ("${role}"), not a person.`);
  }
  const bulk = bulkReason(context);
  if (bulk !== null) {
    return skip('bulk-mail', `${address} was seen only in bulk mail (${bulk}).`);
  }
  const where = `the ${ROLE_WORDS[context.role]} of a message`;
  if (context.mode === 'off') {
    return skip('mode-off', `${address} is ${where}, but creating contacts from mail is off for this account.`);
  }
  if (context.direction === 'sent' && context.role !== 'from') {
    return create('sent-recipient', `You wrote to ${address} (${where} you sent).`, domain, context);
  }
  if (context.direction === 'received' && context.role === 'from' && context.repliesToSent) {
    return create('replied-sender', `${address} replied to a message you sent.`, domain, context);
  }
  if (context.mode === 'sent') {
    return skip(
      'mode-sent-only',
      `${address} is ${where} you received; this account makes contacts only from mail you sent and the replies to it.`,
    );
  }
  return create('received-participant', `${address} is ${where} you received.`, domain, context);
}

/** Why the message is bulk mail, or null when it is not. */
function bulkReason(context: LinkContext): string | null {
  if (context.listId) return `List-Id: ${context.listId}`;
  if (context.listUnsubscribe) return 'it has a List-Unsubscribe header';
  const precedence = context.precedence?.trim().toLowerCase();
  if (precedence === 'bulk' || precedence === 'list' || precedence === 'junk') return `Precedence: ${precedence}`;
  const auto = context.autoSubmitted?.trim().toLowerCase();
  if (auto && auto !== 'no') return `Auto-Submitted: ${auto}`;
  return null;
}

function skip(rule: RuleId, explanation: string): Decision {
  return { create: false, rule, explanation, company: null };
}

function create(rule: RuleId, explanation: string, domain: string, context: LinkContext): Decision {
  return { create: true, rule, explanation, company: companyFor(domain, context.freeMailDomains ?? FREE_MAIL_DOMAINS) };
}

function companyFor(domain: string, freeMail: ReadonlySet<string>): CompanyDecision {
  const registered = companyDomain(domain);
  if (freeMail.has(domain) || freeMail.has(registered)) {
    return {
      create: false,
      rule: 'free-mail-domain',
      domain,
      explanation: `${domain} is a free-mail provider: the person is a contact, the domain is not a company.`,
    };
  }
  const name = companyName(registered);
  return {
    create: true,
    rule: 'company-from-domain',
    domain: registered,
    name,
    explanation: `Company ${name} comes from the email domain ${registered}.`,
  };
}

/** The user's company domains: those of their addresses, except free-mail ones. */
export function ownDomainsOf(
  ownAddresses: Iterable<string>,
  freeMail: ReadonlySet<string> = FREE_MAIL_DOMAINS,
): Set<string> {
  const domains = new Set<string>();
  for (const address of ownAddresses) {
    const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
    if (domain && !freeMail.has(domain)) domains.add(companyDomain(domain));
  }
  return domains;
}
