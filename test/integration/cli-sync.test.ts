import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.js';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { appendMessages, buildMessage, connectImap } from '../harness/imap-client.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The headless path a user scripts: account add over STARTTLS, sync --once, status --json.
let keyring: SecretService;
let dovecot: Dovecot;
const data = makeTempDir();

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  dovecot = await startDovecot();
  const imap = await connectImap(dovecot);
  await appendMessages(
    imap,
    'INBOX',
    Array.from({ length: 12 }, (_, i) => buildMessage({ subject: `CLI ${i}`, messageId: `cli-${i}@acme.test` })),
  );
  // Junk is not synced by default: `folder enable` brings these in.
  await appendMessages(
    imap,
    'Junk',
    Array.from({ length: 3 }, (_, i) => buildMessage({ subject: `Spam ${i}`, messageId: `spam-${i}@acme.test` })),
  );
  await imap.logout();
});
afterAll(async () => {
  await dovecot?.stop();
  await keyring?.stop();
  data.remove();
});

const cli = (args: string[], stdin?: string) => runCli(['--data-dir', data.path, ...args], { env: keyring.env, stdin });

describe('clientele account / sync / status', () => {
  it('adds an IMAP account over STARTTLS with the password from stdin, syncs once, reports status', async () => {
    expect((await cli(['init', '--name', 'Headless'])).code).toBe(0);
    const user = dovecot.users[0]!;
    const base = ['account', 'add', 'imap', '--host', 'localhost', '--port', String(dovecot.imapPort), '--starttls'];
    const wrong = await cli(
      [
        '--json',
        ...base,
        '--user',
        user.user,
        '--email',
        'alice@example.test',
        '--password-stdin',
        '--ca-file',
        dovecot.caCertPath,
      ],
      'not-the-password\n',
    );
    expect(wrong.code).toBe(1);
    expect(wrong.json).toMatchObject({ ok: false, error: { code: 'AUTH' } });

    const added = await cli(
      [
        '--json',
        ...base,
        '--user',
        user.user,
        '--email',
        'alice@example.test',
        '--password-stdin',
        '--ca-file',
        dovecot.caCertPath,
      ],
      `${user.password}\n`,
    );
    expect(added.json).toMatchObject({ ok: true, value: { email: 'alice@example.test', kind: 'imap' } });
    expect(added.stdout + added.stderr).not.toContain(user.password);

    const synced = await cli(['--json', 'sync', '--once']);
    expect(synced.code).toBe(0);
    expect(synced.json).toMatchObject({
      ok: true,
      value: [{ email: 'alice@example.test', messages: 12, lastError: null }],
    });

    const status = await cli(['status', '--json']);
    expect(status.json).toMatchObject({
      ok: true,
      value: { phase: 'ready', sync: [{ messages: 12, state: 'idle', lastSuccessAt: expect.any(String) }] },
    });
    const human = await cli(['status']);
    expect(human.stdout).toMatch(/alice@example\.test .*12 messages/);
    expect(human.stdout).toMatch(/INBOX\s+12 \/ 12/);
  });

  it('lists the folders and turns Junk on and off (one account: --account may be left out)', async () => {
    const list = await cli(['--json', 'folder', 'list']);
    expect(list.code).toBe(0);
    expect(list.json).toMatchObject({
      ok: true,
      value: {
        email: 'alice@example.test',
        accountId: expect.any(String),
        folders: expect.arrayContaining([
          expect.objectContaining({ path: 'INBOX', syncEnabled: true, done: 12, total: 12 }),
          expect.objectContaining({ path: 'Junk', role: 'junk', syncEnabled: false, done: 0 }),
        ]),
      },
    });
    const accountId = (list.json as { value: { accountId: string } }).value.accountId;
    const human = await cli(['folder', 'list']);
    expect(human.stdout).toMatch(/on\s+INBOX\s+12 \/ 12/);
    expect(human.stdout).toMatch(/off\s+Junk\s+not synced/);

    const enabled = await cli(['--json', 'folder', 'enable', 'Junk']);
    expect(enabled.code).toBe(0);
    expect(enabled.json).toMatchObject({ ok: true, value: { path: 'Junk', syncEnabled: true, done: 0 } });
    const synced = await cli(['--json', 'sync', '--once']);
    expect(synced.json).toMatchObject({ ok: true, value: [{ messages: 15, lastError: null }] });

    const disabled = await cli(['folder', 'disable', 'Junk', '--account', accountId]);
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toContain('Junk of alice@example.test is no longer synced');
    expect(disabled.stdout).toContain('3 messages already copied stay on this computer');
    const after = await cli(['--json', 'folder', 'list', '--account', accountId]);
    expect(after.json).toMatchObject({
      ok: true,
      value: {
        folders: expect.arrayContaining([expect.objectContaining({ path: 'Junk', syncEnabled: false, done: 3 })]),
      },
    });
    expect((await cli(['folder', 'list'])).stdout).toMatch(/off\s+Junk\s+not synced, 3 kept/);

    const missing = await cli(['--json', 'folder', 'enable', 'Nowhere']);
    expect(missing.code).toBe(1);
    expect(missing.json).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const otherAccount = await cli(['--json', 'folder', 'disable', 'INBOX', '--account', 'no-such-account']);
    expect(otherAccount.code).toBe(1);
    expect(otherAccount.json).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const humanError = await cli(['folder', 'enable', 'Nowhere']);
    expect(humanError.code).toBe(1);
    expect(humanError.stderr).toMatch(/^Error NOT_FOUND: .*Nowhere/);
  });

  it('refuses a password on the command line', async () => {
    const refused = await cli([
      'account',
      'add',
      'imap',
      '--host',
      'localhost',
      '--user',
      'x@y.test',
      '--password',
      'secret',
    ]);
    expect(refused.code).not.toBe(0);
  });
});
