import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountSyncStatus } from '../../common/domain/mail.js';
import { expectOk, openTestCore } from '../harness/core.js';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { appendMessages, buildMessage, connectImap } from '../harness/imap-client.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { startTcpProxy, type TcpProxy } from '../harness/tcp-proxy.js';
import { makeTempDir } from '../harness/temp-dir.js';

// Resume after sleep: the machine sleeps, the network under the open connections is gone without
// either side being told (a frozen proxy), and the clock jumps. The sync must notice the jump,
// drop its dead connections, reconnect and fetch what arrived meanwhile. Polling is set to an
// hour so that only the wake handling can bring the new mail in.

let keyring: SecretService;
let dovecot: Dovecot;
let proxy: TcpProxy;
const data = makeTempDir();
let core: Awaited<ReturnType<typeof openTestCore>>;
/** Added to the wake detector's clock: a jump is a sleep. */
let sleptMs = 0;

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
  dovecot = await startDovecot();
  const imap = await connectImap(dovecot);
  await appendMessages(imap, 'INBOX', [buildMessage({ subject: 'Before the sleep' })]);
  await imap.logout();
  proxy = await startTcpProxy(dovecot.imapsPort);
  core = await openTestCore(data.path, {
    backgroundSync: true,
    sync: {
      pollIntervalMs: 60 * 60_000,
      wake: { intervalMs: 100, toleranceMs: 2000, now: () => Date.now() + sleptMs },
    },
  });
  expectOk(await core.call('profile.create', { displayName: 'Sleeper' }));
});
afterAll(async () => {
  await core?.close();
  await proxy?.close();
  await dovecot?.stop();
  await keyring?.stop();
  data.remove();
});

async function status(): Promise<AccountSyncStatus> {
  return expectOk(await core.call<AccountSyncStatus[]>('sync.status'))[0]!;
}

async function waitFor(check: (s: AccountSyncStatus) => boolean, ms: number): Promise<AccountSyncStatus | null> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const current = await status();
    if (check(current)) return current;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return null;
}

describe('resume after sleep', () => {
  it('drops the dead connections, reconnects and fetches the mail that came meanwhile', async () => {
    const user = dovecot.users[0]!;
    expectOk(
      await core.call('accounts.addImap', {
        email: 'alice@example.test',
        host: dovecot.host,
        port: proxy.port,
        security: 'tls',
        user: user.user,
        password: user.password,
        caCertPem: dovecot.caCertPem,
      }),
    );
    expect(await waitFor((s) => s.state === 'watching' && s.messages === 1, 10_000)).not.toBeNull();

    // Asleep: every open connection is dead without knowing it; mail arrives at the server.
    proxy.freezeAll();
    const acceptedBefore = proxy.accepted;
    const imap = await connectImap(dovecot);
    await appendMessages(imap, 'INBOX', [buildMessage({ subject: 'During the sleep' })]);
    await imap.logout();
    // Push cannot deliver it (its connection is frozen), and polling is an hour away.
    expect(await waitFor((s) => s.messages === 2, 1500)).toBeNull();

    // Awake: the clock jumped ten minutes.
    sleptMs += 10 * 60_000;
    const caughtUp = await waitFor((s) => s.messages === 2, 10_000);
    expect(caughtUp).not.toBeNull();
    expect(proxy.accepted).toBeGreaterThan(acceptedBefore);
    // And push works again on the new connection.
    expect(await waitFor((s) => s.state === 'watching', 5000)).not.toBeNull();
    const again = await connectImap(dovecot);
    await appendMessages(again, 'INBOX', [buildMessage({ subject: 'After the sleep' })]);
    await again.logout();
    expect(await waitFor((s) => s.messages === 3, 5000)).not.toBeNull();
  });
});
