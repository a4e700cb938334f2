import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImapFlow } from 'imapflow';
import type { AccountSyncStatus } from '../../common/domain/mail.js';
import type { ContactDetail, ContactPage } from '../../common/domain/crm.js';
import type { CompanyDetail, RecordResults } from '../../common/domain/records.js';
import type { EmailActivity } from '../../common/domain/reports.js';
import { localOwnerPolicy, type Policy } from '../../common/rbac/permissions.js';
import { expectOk, openTestCore } from '../harness/core.js';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { appendMessages, buildMessage, connectImap } from '../harness/imap-client.js';
import { addDovecotAccount } from '../harness/mail-account.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { makeTempDir } from '../harness/temp-dir.js';
import { stopServices } from '../harness/stop-services.js';

// The record pages' calls, search.records and reports.emailActivity through the core's dispatcher
// (validation, RBAC, handlers, store) over mail synced from a real Dovecot. The policy is swapped to
// check that record search shows companies and deals only to a role that may view them.
let keyring: SecretService;
let dovecot: Dovecot;
let imap: ImapFlow;
const data = makeTempDir();
let policy: Policy = localOwnerPolicy('me');
let core: Awaited<ReturnType<typeof openTestCore>>;
let danaId = 0;

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
  dovecot = await startDovecot();
  imap = await connectImap(dovecot);
  await appendMessages(imap, 'Sent', [
    buildMessage({
      subject: 'Kick-off',
      from: 'Alice <alice@example.test>',
      to: 'dana@globex.test',
      date: new Date('2026-03-02T09:00:00Z'),
    }),
  ]);
  await appendMessages(imap, 'INBOX', [
    buildMessage({
      subject: 'Re: Kick-off',
      from: 'Dana Scully <dana@globex.test>',
      to: 'alice@example.test',
      date: new Date('2026-03-08T23:30:00Z'),
    }),
  ]);
  core = await openTestCore(data.path, { policies: { current: () => policy } });
  expectOk(await core.call('profile.create', { displayName: 'Record tester' }));
  await addDovecotAccount(core, dovecot);
  expectOk(await core.call<AccountSyncStatus[]>('sync.run', { wait: true }));
  const contacts = expectOk(await core.call<ContactPage>('contacts.list', {}));
  danaId = contacts.items.find((contact) => contact.email === 'dana@globex.test')!.id;
});
afterAll(() => stopServices({ imap, core, dovecot, keyring, data }));

describe('the record pages through the API', () => {
  it('edits a contact, keeps its typed name, and refuses what the contract does not allow', async () => {
    const edited = expectOk(
      await core.call<ContactDetail>('contacts.update', {
        id: danaId,
        name: '  Dana K. Scully ',
        phones: ['+1 555 0100'],
        title: 'CTO',
        customFields: { tier: 'gold' },
      }),
    );
    expect(edited).toMatchObject({ name: 'Dana K. Scully', phones: ['+1 555 0100'], title: 'CTO' });
    // An empty string clears a field.
    expect(expectOk(await core.call<ContactDetail>('contacts.update', { id: danaId, title: '' })).title).toBeNull();
    expect(await core.call('contacts.update', { id: danaId, name: '   ' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect(await core.call('contacts.update', { id: danaId, email: 'x@y.test' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect(await core.call('contacts.update', { id: 424_242, title: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });

    // Dana's display name in the mail is "Dana Scully": syncing again never puts it back.
    await appendMessages(imap, 'INBOX', [
      buildMessage({ subject: 'Again', from: 'Dana Scully <dana@globex.test>', to: 'alice@example.test' }),
    ]);
    expectOk(await core.call('sync.run', { wait: true }));
    const dana = expectOk(await core.call<ContactDetail>('contacts.get', { id: danaId }));
    expect(dana).toMatchObject({ name: 'Dana K. Scully', messages: 3 });
  });

  it('reads and edits a company with its people', async () => {
    const dana = expectOk(await core.call<ContactDetail>('contacts.get', { id: danaId }));
    const id = dana.company!.id;
    const company = expectOk(
      await core.call<CompanyDetail>('companies.update', { id, owner: 'alice', name: 'Globex Corp' }),
    );
    expect(company).toMatchObject({ name: 'Globex Corp', owner: 'alice', domain: 'globex.test', contacts: 1 });
    expect(company.people.map((person) => person.id)).toEqual([danaId]);
    expect(await core.call('companies.get', { id: 424_242 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});

describe('search.records', () => {
  it('finds contacts and companies by prefix, companies only for a role that may view them', async () => {
    const all = expectOk(await core.call<RecordResults>('search.records', { query: 'glo' }));
    expect(all.hits.map((hit) => [hit.type, hit.name])).toEqual([['company', 'Globex Corp']]);
    const dana = expectOk(await core.call<RecordResults>('search.records', { query: 'dana@' }));
    expect(dana.hits).toEqual([{ type: 'contact', id: danaId, name: 'Dana K. Scully', detail: 'dana@globex.test' }]);

    const owner = localOwnerPolicy('me');
    policy = { ...owner, permissions: { ...owner.permissions, company: {} } };
    try {
      expect(expectOk(await core.call<RecordResults>('search.records', { query: 'glo' })).hits).toEqual([]);
      policy = { ...owner, permissions: { ...owner.permissions, contact: {} } };
      expect(await core.call('search.records', { query: 'glo' })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    } finally {
      policy = owner;
    }
  });
});

describe('reports.emailActivity', () => {
  it('counts sent and received mail per whole UTC week, and refuses ranges it cannot chart', async () => {
    const weeks = expectOk(
      await core.call<EmailActivity>('reports.emailActivity', {
        bucket: 'week',
        from: '2026-03-04',
        to: '2026-03-10T00:00:00+02:00',
      }),
    );
    // Wednesday 4 March widens to Monday 2 March; 22:00 UTC on 9 March ends in the week of the 9th.
    expect(weeks).toMatchObject({ timeZone: 'UTC', from: '2026-03-02T00:00:00.000Z', to: '2026-03-16T00:00:00.000Z' });
    expect(weeks.points).toEqual([
      { start: '2026-03-02', sent: 1, received: 1 },
      { start: '2026-03-09', sent: 0, received: 0 },
    ]);
    // Where the mail is, whatever the range: a chart of a range without mail can point to it. The
    // first day is the 'Again' message's, synced by a test above (the harness's default date).
    expect(weeks.stored).toEqual({ firstDay: '2024-01-15', lastDay: '2026-03-08' });
    const before = expectOk(
      await core.call<EmailActivity>('reports.emailActivity', { bucket: 'month', to: '2026-01-01' }),
    );
    expect(before.points.every((point) => point.sent + point.received === 0)).toBe(true);
    expect(before.stored).toEqual(weeks.stored);
    expect(
      await core.call('reports.emailActivity', { bucket: 'day', from: '2000-01-01', to: '2026-01-01' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect(
      await core.call('reports.emailActivity', { bucket: 'day', from: '2026-02-01', to: '2026-01-01' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect(await core.call('reports.emailActivity', { bucket: 'year' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    const owner = localOwnerPolicy('me');
    policy = { ...owner, permissions: { ...owner.permissions, report: {} } };
    try {
      expect(await core.call('reports.emailActivity', { bucket: 'month' })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    } finally {
      policy = owner;
    }
  });
});
