import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImapFlow } from 'imapflow';
import type { AccountSyncStatus } from '../../common/domain/mail.js';
import type { CompanyPage, ContactDetail, ContactPage, LinkExplanation } from '../../common/domain/crm.js';
import { runCli } from '../harness/cli.js';
import { expectOk, openTestCore } from '../harness/core.js';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { appendMessages, buildMessage, connectImap } from '../harness/imap-client.js';
import { addDovecotAccount } from '../harness/mail-account.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { withStore } from '../harness/store-reader.js';
import { makeTempDir } from '../harness/temp-dir.js';
import { stopServices } from '../harness/stop-services.js';

// Contacts and companies made from a real Dovecot mailbox synced by the compiled core, in pages
// of 3 so the linker runs between page commits; then the CLI, in processes of its own, reads them.
let keyring: SecretService;
let dovecot: Dovecot;
let imap: ImapFlow;
const data = makeTempDir();
let core: Awaited<ReturnType<typeof openTestCore>> | null = null;

const recent = (days: number) => new Date(Date.now() - days * 86_400_000);

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
  dovecot = await startDovecot();
  imap = await connectImap(dovecot);
  core = await openTestCore(data.path, { sync: { budget: { maxMessages: 3, maxBytes: 1 << 20 } } });
  expectOk(await core.call('profile.create', { displayName: 'CRM tester' }));
});
afterAll(() => stopServices({ imap, core, dovecot, keyring, data }));

describe('contacts from synced mail', () => {
  it('makes contacts and companies after a sync, and explains why a newsletter sender is not one', async () => {
    const live = core!;
    await appendMessages(imap, 'Sent', [
      buildMessage({
        subject: 'Proposal',
        messageId: 'proposal@example.test',
        from: 'Alice <alice@example.test>',
        to: ['Dana Scully <dana@globex.test>', 'no-reply@globex.test'],
        headers: { Cc: 'Erin <erin@gmail.com>' },
        date: recent(5),
      }),
    ]);
    await appendMessages(imap, 'INBOX', [
      buildMessage({
        subject: 'Re: Proposal',
        messageId: 'reply@globex.test',
        from: 'Dana Scully <dana@globex.test>',
        to: 'alice@example.test',
        inReplyTo: 'proposal@example.test',
        references: 'proposal@example.test',
        date: recent(4),
      }),
      buildMessage({
        subject: 'This week in widgets',
        messageId: 'issue-42@letters.test',
        from: 'Widget Weekly <widgets@letters.test>',
        to: 'alice@example.test',
        headers: { 'List-Id': 'Widget Weekly <weekly.letters.test>', 'List-Unsubscribe': '<mailto:u@letters.test>' },
        date: recent(3),
      }),
      buildMessage({
        subject: 'Quick question',
        messageId: 'cold@vendor.test',
        from: 'Vic Vendor <vic@vendor.test>',
        to: 'alice@example.test',
        date: recent(2),
      }),
      ...Array.from({ length: 4 }, (_, i) =>
        buildMessage({
          subject: `Status ${i}`,
          messageId: `status-${i}@globex.test`,
          from: 'Dana Scully <dana@globex.test>',
          to: 'alice@example.test',
          date: recent(1),
        }),
      ),
    ]);

    await addDovecotAccount(live, dovecot);
    const [status] = expectOk(await live.call<AccountSyncStatus[]>('sync.run', { wait: true }));
    expect(status!.lastError).toBeNull();
    expect(status!.messages).toBe(8);

    // The sync's page commits alone get the mail linked (no contacts call has asked yet).
    const linked = async () => withStore(data.path, (db) => db.prepare('SELECT count(*) FROM contacts').pluck().get());
    const deadline = Date.now() + 10_000;
    while ((await linked()) !== 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await linked()).toBe(2);

    const contacts = expectOk(await live.call<ContactPage>('contacts.list', { limit: 50 }));
    expect(contacts.items.map((c) => c.email)).toEqual(['dana@globex.test', 'erin@gmail.com']);
    expect(contacts.items[0]).toMatchObject({
      name: 'Dana Scully',
      company: { name: 'Globex', domain: 'globex.test' },
    });
    expect(contacts.items[1]).toMatchObject({ name: 'Erin', company: null });

    const dana = expectOk(await live.call<ContactDetail>('contacts.get', { id: contacts.items[0]!.id }));
    // The proposal, the reply and four status mails: linked whatever page each came in.
    expect(dana).toMatchObject({ emails: ['dana@globex.test'], messages: 6, recentMessages: 6 });

    const companies = expectOk(await live.call<CompanyPage>('companies.list', {}));
    expect(companies.items.map((c) => [c.name, c.contacts])).toEqual([['Globex', 1]]);

    const newsletter = expectOk(
      await live.call<LinkExplanation>('contacts.explain', { address: 'Widgets@Letters.test' }),
    );
    expect(newsletter).toMatchObject({
      address: 'widgets@letters.test',
      seen: true,
      isContact: false,
      rule: 'bulk-mail',
    });
    expect(newsletter.explanation).toContain('List-Id: weekly.letters.test');
    const cold = expectOk(await live.call<LinkExplanation>('contacts.explain', { address: 'vic@vendor.test' }));
    expect(cold).toMatchObject({ isContact: false, rule: 'mode-sent-only' });
    const why = expectOk(await live.call<LinkExplanation>('contacts.explain', { address: 'dana@globex.test' }));
    expect(why).toMatchObject({ isContact: true, companyRule: 'company-from-domain' });
    expect(['sent-recipient', 'replied-sender']).toContain(why.rule);

    expect(await live.call('contacts.get', { id: 999_999 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await live.call('contacts.list', { limit: 0 })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('answers the same through the CLI (a process of its own)', async () => {
    await core!.close();
    core = null;
    const cli = (args: string[]) => runCli(['--data-dir', data.path, ...args], { env: keyring.env });

    const list = await cli(['contacts', 'list', '--json']);
    expect(list.code).toBe(0);
    expect(list.json).toMatchObject({
      ok: true,
      value: { items: [{ email: 'dana@globex.test' }, { email: 'erin@gmail.com' }] },
    });

    const explained = await cli(['contacts', 'explain', 'widgets@letters.test', '--json']);
    expect(explained.json).toMatchObject({ ok: true, value: { isContact: false, rule: 'bulk-mail' } });

    const human = await cli(['contacts', 'explain', 'widgets@letters.test']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('widgets@letters.test is not a contact.');
    expect(human.stdout).toContain(
      'bulk-mail: widgets@letters.test was seen only in bulk mail (List-Id: weekly.letters.test).',
    );

    // The account's mode: 'sent' by default; 'all' re-decides its mail, here in the next process.
    const shown = await cli(['contacts', 'auto-create', '--json']);
    expect(shown.json).toMatchObject({ ok: true, value: [{ email: 'alice@example.test', mode: 'sent' }] });
    const set = await cli(['contacts', 'auto-create', 'all', '--json']);
    expect(set.json).toMatchObject({ ok: true, value: { mode: 'all' } });
    const vic = await cli(['contacts', 'explain', 'vic@vendor.test', '--json']);
    expect(vic.json).toMatchObject({ ok: true, value: { isContact: true, rule: 'received-participant' } });
    const wrong = await cli(['contacts', 'auto-create', 'sometimes', '--json']);
    expect(wrong.code).toBe(1);
    expect(wrong.json).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});
