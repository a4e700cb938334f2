import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { appendMessages, buildMessage, connectImap } from '../harness/imap-client.js';
import { makeTempDir } from '../harness/temp-dir.js';
import { loadMimeCorpus, MIME_GENERATOR } from '../fixtures/mime/index.js';

// Proves the IMAP peer the sync tests stand on: a real Dovecot with the extensions the sync
// engine needs, reachable only the way the app will reach it (TLS verified against its CA).
let dovecot: Dovecot;

beforeAll(async () => {
  dovecot = await startDovecot();
});
afterAll(async () => {
  await dovecot?.stop();
});

describe('the Dovecot harness', () => {
  it('offers CONDSTORE, QRESYNC, IDLE, MOVE, UIDPLUS and SPECIAL-USE after login', async () => {
    const client = await connectImap(dovecot, undefined, { qresync: true });
    for (const capability of ['CONDSTORE', 'QRESYNC', 'IDLE', 'MOVE', 'UIDPLUS', 'SPECIAL-USE']) {
      expect(client.capabilities.has(capability), capability).toBe(true);
    }
    expect(client.enabled.has('QRESYNC')).toBe(true);
    expect(client.secureConnection).toBe(true);
    await client.logout();
  });

  it('lists the special-use mailboxes, flagged by the server', async () => {
    const client = await connectImap(dovecot);
    const mailboxes = await client.list();
    const flagged = Object.fromEntries(
      mailboxes.filter((box) => box.specialUseSource === 'extension').map((box) => [box.path, box.specialUse]),
    );
    expect(flagged).toMatchObject({
      Sent: '\\Sent',
      Drafts: '\\Drafts',
      Trash: '\\Trash',
      Junk: '\\Junk',
      Archive: '\\Archive',
    });
    expect(mailboxes.find((box) => box.path === 'INBOX')?.specialUse).toBe('\\Inbox');
    await client.logout();
  });

  it('accepts every message of the MIME corpus on APPEND', async () => {
    const corpus = loadMimeCorpus();
    expect(corpus.length).toBeGreaterThanOrEqual(110);
    const client = await connectImap(dovecot);
    await client.mailboxCreate('Corpus');
    const uids = await appendMessages(
      client,
      'Corpus',
      corpus.map((message) => message.bytes),
    );
    expect(new Set(uids).size).toBe(corpus.length);
    expect(await client.status('Corpus', { messages: true })).toMatchObject({ messages: corpus.length });
    await client.logout();
  });

  it('refuses a wrong password as an authentication failure', async () => {
    await expect(connectImap(dovecot, { user: 'alice', password: 'wrong' })).rejects.toMatchObject({
      authenticationFailed: true,
    });
  });

  it('serves STARTTLS on the cleartext port', async () => {
    const client = await connectImap(dovecot, undefined, { port: dovecot.imapPort, secure: false, doSTARTTLS: true });
    expect(client.secureConnection).toBe(true);
    expect(await client.status('INBOX', { messages: true })).toMatchObject({ messages: expect.any(Number) });
    await client.logout();
  });

  it('runs two servers at once, each with its own ports and mail', async () => {
    const other = await startDovecot({ users: [{ user: 'carol', password: 'carol-password' }] });
    try {
      expect([other.imapsPort, other.imapPort]).not.toContain(dovecot.imapsPort);
      const [here, there] = await Promise.all([connectImap(dovecot), connectImap(other)]);
      await appendMessages(there, 'INBOX', [buildMessage({ subject: 'Only on the other server' })]);
      const before = await here.status('INBOX', { messages: true });
      expect(await there.status('INBOX', { messages: true })).toMatchObject({ messages: 1 });
      expect(await here.status('INBOX', { messages: true })).toEqual(before);
      await Promise.all([here.logout(), there.logout()]);
    } finally {
      await other.stop();
    }
  });

  it('keeps mail across a clean and a hard restart, and drops open connections', async () => {
    const server = await startDovecot();
    try {
      const client = await connectImap(server);
      const [uid] = await appendMessages(client, 'Archive', [buildMessage({ messageId: 'kept@clientele.test' })]);
      const closed = new Promise((resolve) => client.once('close', resolve));
      await server.restart();
      await closed;

      const again = await connectImap(server);
      const closedHard = new Promise((resolve) => again.once('close', resolve));
      await server.restart({ hard: true });
      await closedHard;

      const last = await connectImap(server);
      await last.mailboxOpen('Archive');
      const message = await last.fetchOne(String(uid), { envelope: true }, { uid: true });
      expect(message && message.envelope?.messageId).toBe('<kept@clientele.test>');
      await last.logout();
    } finally {
      await server.stop();
    }
  });

  it('stop() leaves no Dovecot process and no temp dir behind', async () => {
    const server = await startDovecot();
    const client = await connectImap(server);
    const master = server.pid!;
    const processes = [master, ...childrenOf(master)];
    expect(processes.length).toBeGreaterThan(3);
    await server.stop();
    expect(processes.filter(isRunning)).toEqual([]);
    expect(existsSync(server.dir)).toBe(false);
    await client.logout().catch(() => undefined);
  });
});

describe('the MIME corpus', () => {
  it('is exactly what generate.mjs writes', () => {
    const fresh = makeTempDir();
    try {
      const run = spawnSync(process.execPath, [MIME_GENERATOR, fresh.path], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const generated = loadMimeCorpus(fresh.path);
      const committed = loadMimeCorpus();
      expect(committed.map((m) => m.name)).toEqual(generated.map((m) => m.name));
      for (const [index, message] of committed.entries()) {
        expect(message.bytes.equals(generated[index]!.bytes), message.name).toBe(true);
      }
    } finally {
      fresh.remove();
    }
  });
});

/** [state, ppid] of a process, from /proc/PID/stat (after the "(comm)" field). */
function stateAndParent(pid: number): [string, number] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return [state!, Number(ppid)];
  } catch {
    return undefined;
  }
}

function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => stateAndParent(pid)?.[1] === parent);
}

/** A zombie is dead, only not yet reaped by init. */
function isRunning(pid: number): boolean {
  const state = stateAndParent(pid)?.[0];
  return state !== undefined && state !== 'Z';
}
