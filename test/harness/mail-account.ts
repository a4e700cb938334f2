import type { AccountSyncStatus } from '../../common/domain/mail.js';
import type { Dovecot } from './dovecot.js';
import { expectOk, type openTestCore } from './core.js';

type TestCore = Awaited<ReturnType<typeof openTestCore>>;

/** Adds alice's Dovecot mailbox to a core, optionally through another port (a proxy). */
export async function addDovecotAccount(core: TestCore, dovecot: Dovecot, port = dovecot.imapsPort): Promise<string> {
  const user = dovecot.users[0]!;
  const account = expectOk(
    await core.call<{ id: string }>('accounts.addImap', {
      email: `${user.user}@example.test`,
      host: dovecot.host,
      port,
      security: 'tls',
      user: user.user,
      password: user.password,
      caCertPem: dovecot.caCertPem,
    }),
  );
  return account.id;
}

export async function syncStatus(core: TestCore): Promise<AccountSyncStatus> {
  const [status] = expectOk(await core.call<AccountSyncStatus[]>('sync.status'));
  if (!status) throw new Error('no account');
  return status;
}
