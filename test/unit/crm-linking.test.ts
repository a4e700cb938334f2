import { describe, expect, it } from 'vitest';
import { companyDomain, companyName } from '../../main/crm/company-domain.js';
import { FREE_MAIL_DOMAINS } from '../../main/crm/free-mail.js';
import { decide, ownDomainsOf, type LinkContext, type RuleId } from '../../main/crm/linking-rules.js';
import { roleOf } from '../../main/crm/role-addresses.js';

// The linking rules, one row per case: every skip and every way to become a contact.

const own = new Set(['me@mycorp.test', 'me.alias@mycorp.test']);
const base: LinkContext = {
  role: 'to',
  direction: 'sent',
  mode: 'all',
  repliesToSent: false,
  listId: null,
  listUnsubscribe: null,
  precedence: null,
  autoSubmitted: null,
  ownAddresses: own,
  ownDomains: ownDomainsOf(own),
};

type Row = [label: string, address: string, patch: Partial<LinkContext>, create: boolean, rule: RuleId];

const rows: Row[] = [
  // Skips about the address itself
  ['empty group', '', {}, false, 'group-address'],
  ['undisclosed recipients', 'undisclosed-recipients', {}, false, 'group-address'],
  ['group syntax', 'team:;', {}, false, 'group-address'],
  ['no @', 'bob', {}, false, 'invalid-address'],
  ['no dot in the domain', 'bob@localhost', {}, false, 'invalid-address'],
  ['own address', 'me@mycorp.test', {}, false, 'own-address'],
  ['own address, any case', 'ME.Alias@MyCorp.test', {}, false, 'own-address'],
  ['sender of sent mail (an alias)', 'other.alias@elsewhere.test', { role: 'from' }, false, 'own-address'],
  ['colleague at own domain', 'colleague@mycorp.test', {}, false, 'own-domain'],
  ['colleague at a subdomain of own domain', 'eng@eu.mycorp.test', {}, false, 'own-domain'],
  ['noreply', 'noreply@acme.test', {}, false, 'role-address'],
  ['no-reply', 'no-reply@acme.test', {}, false, 'role-address'],
  ['do_not_reply', 'do_not_reply@acme.test', {}, false, 'role-address'],
  ['noreply with an id', 'noreply-4711@acme.test', {}, false, 'role-address'],
  ['info', 'info@acme.test', {}, false, 'role-address'],
  ['support with a tag', 'support+ticket9@acme.test', {}, false, 'role-address'],
  ['sales', 'Sales@acme.test', {}, false, 'role-address'],
  ['admin', 'admin@acme.test', {}, false, 'role-address'],
  ['billing', 'billing@acme.test', {}, false, 'role-address'],
  ['notifications', 'notifications@github.test', {}, false, 'role-address'],
  ['mailer-daemon', 'MAILER-DAEMON@mx.acme.test', {}, false, 'role-address'],
  ['postmaster', 'postmaster@acme.test', {}, false, 'role-address'],
  ['bounces with an id', 'bounces-123@mail.acme.test', {}, false, 'role-address'],
  // Skips about the message
  ['List-Id', 'ann@acme.test', { direction: 'received', role: 'from', listId: 'news.acme.test' }, false, 'bulk-mail'],
  ['List-Unsubscribe', 'ann@acme.test', { listUnsubscribe: '<mailto:u@acme.test>' }, false, 'bulk-mail'],
  ['Precedence: bulk', 'ann@acme.test', { precedence: 'bulk' }, false, 'bulk-mail'],
  ['Precedence: list', 'ann@acme.test', { precedence: 'List' }, false, 'bulk-mail'],
  ['Precedence: junk', 'ann@acme.test', { precedence: 'junk' }, false, 'bulk-mail'],
  ['Auto-Submitted: auto-replied', 'ann@acme.test', { autoSubmitted: 'auto-replied' }, false, 'bulk-mail'],
  ['Auto-Submitted: auto-generated', 'ann@acme.test', { autoSubmitted: 'auto-generated' }, false, 'bulk-mail'],
  // Skips by the account's mode
  ['mode off, sent mail', 'ann@acme.test', { mode: 'off' }, false, 'mode-off'],
  ['mode off, received mail', 'ann@acme.test', { mode: 'off', direction: 'received', role: 'from' }, false, 'mode-off'],
  [
    'sent only, a cold sender',
    'ann@acme.test',
    { mode: 'sent', direction: 'received', role: 'from' },
    false,
    'mode-sent-only',
  ],
  [
    'sent only, Cc of received mail',
    'ann@acme.test',
    { mode: 'sent', direction: 'received', role: 'cc' },
    false,
    'mode-sent-only',
  ],
  // Creations
  ['sent only, recipient of sent mail', 'ann@acme.test', { mode: 'sent' }, true, 'sent-recipient'],
  ['sent only, Bcc of sent mail', 'ann@acme.test', { mode: 'sent', role: 'bcc' }, true, 'sent-recipient'],
  [
    'sent only, a reply to sent mail',
    'ann@acme.test',
    { mode: 'sent', direction: 'received', role: 'from', repliesToSent: true },
    true,
    'replied-sender',
  ],
  ['all, a cold sender', 'ann@acme.test', { direction: 'received', role: 'from' }, true, 'received-participant'],
  ['all, Cc of received mail', 'ann@acme.test', { direction: 'received', role: 'cc' }, true, 'received-participant'],
  ['Auto-Submitted: no is a person', 'ann@acme.test', { autoSubmitted: 'no' }, true, 'sent-recipient'],
  ['free-mail person', 'ann.smith@gmail.com', {}, true, 'sent-recipient'],
  [
    'own domain is free mail: gmail peers stay contacts',
    'pal@gmail.com',
    { ownAddresses: new Set(['me@gmail.com']), ownDomains: ownDomainsOf(['me@gmail.com']) },
    true,
    'sent-recipient',
  ],
  ['a person whose name starts like a role', 'infoman@acme.test', {}, true, 'sent-recipient'],
];

describe('decide', () => {
  it.each(rows)('%s: %s', (_label, address, patch, create, rule) => {
    const decision = decide(address, { ...base, ...patch });
    expect(decision.rule).toBe(rule);
    expect(decision.create).toBe(create);
    expect(decision.explanation.length).toBeGreaterThan(10);
  });

  it('makes a company from the domain', () => {
    const decision = decide('Ann@Sales.Acme.test', base);
    expect(decision.company).toMatchObject({
      create: true,
      domain: 'acme.test',
      name: 'Acme',
      rule: 'company-from-domain',
    });
  });

  it('never makes a company of a free-mail domain, but the person is a contact', () => {
    for (const address of ['ann@gmail.com', 'bob@outlook.com', 'carl@yahoo.com']) {
      const decision = decide(address, base);
      expect(decision.create).toBe(true);
      expect(decision.company).toMatchObject({ create: false, rule: 'free-mail-domain' });
    }
  });

  it('gives no company for a skipped address', () => {
    expect(decide('noreply@acme.test', base).company).toBeNull();
  });

  it('explains in words that name the address and the reason', () => {
    expect(decide('ann@acme.test', { ...base, listId: 'news.acme.test' }).explanation).toBe(
      'ann@acme.test was seen only in bulk mail (List-Id: news.acme.test).',
    );
  });
});

describe('company domains and names', () => {
  it.each([
    ['acme.test', 'acme.test', 'Acme'],
    ['mail.eu.acme.com', 'acme.com', 'Acme'],
    ['sales.blue-sky-labs.co.uk', 'blue-sky-labs.co.uk', 'Blue Sky Labs'],
    ['initech.com.au', 'initech.com.au', 'Initech'],
  ])('%s → %s (%s)', (domain, registered, name) => {
    expect(companyDomain(domain)).toBe(registered);
    expect(companyName(domain)).toBe(name);
  });
});

describe('role addresses and free mail', () => {
  it('ignores separators and tags', () => {
    expect(roleOf('No.Reply+x')).toBe('noreply');
    expect(roleOf('ann')).toBeNull();
  });
  it('knows the big free-mail providers from the package', () => {
    for (const domain of ['gmail.com', 'outlook.com', 'yahoo.com', 'gmx.de'])
      expect(FREE_MAIL_DOMAINS.has(domain)).toBe(true);
    expect(FREE_MAIL_DOMAINS.has('acme.test')).toBe(false);
  });
});
