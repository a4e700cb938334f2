import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RoleView, UserView } from '../../common/api/server-admin.js';
import type { MessageDetail } from '../../common/domain/messages.js';
import { KeyVault } from '../../main/core/profile/key-vault.js';
import { Store } from '../../main/store/store.js';
import { startServer } from '../../server/start.js';
import { expectOk, openTestCore } from '../harness/core.js';
import { incomingMessage, pageToApply } from '../harness/mail-fixtures.js';
import { bootstrapAdmin, memoryKeychain, serverApi } from '../harness/team-desktop.js';
import { makeTempDir } from '../harness/temp-dir.js';

// What an enrolled desktop reports to the team server's audit log beside refusals: every export
// (with its row count) and every sensitive view (reading a message, downloading an attachment),
// queued in the encrypted store's outbox by the core whatever the transport. A solo profile queues
// nothing: there is no server to tell.

const ADMIN = { email: 'admin@example.com', password: 'a long passphrase nobody guesses' };
const REP = { email: 'rep@example.com', password: 'rep passphrase of decent length' };

const temp = makeTempDir('clientele-audited-');
afterAll(() => temp.remove());

describe('audited calls of an enrolled desktop', () => {
  it('queues a sensitive view and an export, and nothing while solo', async () => {
    const server = await startServer({
      database: { kind: 'sqlite', file: join(temp.path, 'server', 'server.db') },
      host: '127.0.0.1',
      port: 0,
    });
    const desktop = join(temp.path, 'desktop');
    const keychain = memoryKeychain();
    try {
      const admin = await bootstrapAdmin(server, ADMIN);
      const rep = await serverApi<UserView>(server, 'POST', '/api/admin/users', admin, REP);
      const adminRole = (await serverApi<RoleView[]>(server, 'GET', '/api/admin/roles', admin)).find(
        (role) => role.name === 'Admin',
      )!;
      await serverApi(server, 'PUT', `/api/admin/users/${rep.id}/roles/${adminRole.id}`, admin);

      let core = await openTestCore(desktop, { keychain });
      expectOk(await core.call('profile.create', { displayName: 'Rep' }));
      await core.close();
      const { id } = JSON.parse(readFileSync(join(desktop, 'profile.json'), 'utf8')) as { id: string };
      const keys = (await new KeyVault(keychain).load(id))!;
      const withStore = <T>(use: (store: Store) => T): T => {
        const store = Store.open(join(desktop, 'clientele.db'), keys, { create: false });
        try {
          return use(store);
        } finally {
          store.close();
        }
      };
      const messageId = withStore((store) => {
        store.accounts.insert({
          id: 'acct',
          kind: 'imap',
          email: 'rep@example.com',
          displayName: 'Rep',
          config: {},
          createdAt: '2026-01-01T00:00:00Z',
        });
        const folder = store.mail.upsertFolders('acct', [{ path: 'INBOX', name: 'Inbox', role: 'inbox' }], () => true);
        store.mail.applyPage(
          pageToApply('acct', folder[0]!.id, {
            upserts: [incomingMessage(1, { from: [{ name: 'Ann', address: 'ann@acme.test' }], text: 'Our budget' })],
          }),
        );
        return store.db.prepare('SELECT id FROM messages').pluck().get() as number;
      });

      core = await openTestCore(desktop, { keychain });
      // Solo: reading and exporting are nobody's business but the owner's.
      expectOk(await core.call<MessageDetail>('mail.get', { id: messageId }));
      expectOk(await core.call('contacts.export', {}));
      await core.close();
      expect(withStore((store) => store.team.pendingAudit())).toEqual([]);

      core = await openTestCore(desktop, { keychain });
      expectOk(await core.call('team.enroll', { serverUrl: server.url, ...REP }));
      expect(expectOk(await core.call<MessageDetail>('mail.get', { id: messageId })).text).toContain('Our budget');
      const exported = expectOk(await core.call<{ rows: number }>('contacts.export', {}));
      // A read that fails is not a view.
      expect(await core.call('mail.get', { id: messageId + 1000 })).toMatchObject({ ok: false });
      await core.close();

      const queued = withStore((store) => store.team.pendingAudit()).map(({ kind, detail }) => ({ kind, detail }));
      expect(queued).toEqual([
        {
          kind: 'call.sensitive_view',
          detail: { call: 'mail.get', transport: 'in-process', target: `message:${messageId}` },
        },
        { kind: 'call.export', detail: { call: 'contacts.export', transport: 'in-process', rows: exported.rows } },
      ]);
    } finally {
      await server.close();
    }
  });
});
