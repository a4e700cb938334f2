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
