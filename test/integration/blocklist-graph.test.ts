import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphDriver } from '../../main/sync/drivers/graph/graph-driver.js';
import { silentLogger } from '../../main/util/logger.js';
import { FakeGraphServer } from '../fakes/graph/graph-server.js';
import { testMail, type TestMail } from '../fakes/graph/messages.js';
import { RefreshingTestTokenSource } from '../fakes/graph/token-source.js';

// The Graph side of unblocking: the messages a block kept out are fetched again by their
// immutable ids (GET by id, in JSON batches), with their attachments left on the server as in a
// sync; an id the mailbox no longer has comes back as gone.
let fake: FakeGraphServer;
let driver: GraphDriver;
const mails = new Map<string, TestMail>();

beforeAll(async () => {
  fake = await new FakeGraphServer().start();
  const inbox = fake.folderId('inbox');
  for (let i = 0; i < 5; i++) {
    const mail = testMail(i, { attachmentBytes: i === 1 ? 60_000 : 0 });
    mails.set(await fake.addMessage(mail.mime, inbox, { isRead: i % 2 === 0 }), mail);
  }
  const grant = fake.oauth.grant(fake.user);
  const tokens = new RefreshingTestTokenSource(
    fake.tokenEndpoint(),
    'graph-client-id',
    grant.refreshToken,
    grant.accessToken,
  );
  driver = new GraphDriver({ tokens, baseUrl: fake.url, log: silentLogger() });
});

afterAll(async () => {
  await driver?.close();
  await fake?.stop();
});

describe('GraphDriver.fetchMessages', () => {
  it('fetches the named messages by id and reports those gone', async () => {
    const [first, second, third] = [...mails.keys()];
    fake.delete(third!);
    const { messages, gone } = await driver.fetchMessages('inbox', null, [first!, second!, third!]);
    expect(gone).toEqual([third]);
    expect(messages.map((message) => message.remoteId).sort()).toEqual([first, second].sort());
    for (const message of messages) {
      const parsed = await simpleParser(message.source);
      expect(parsed.messageId).toBe(mails.get(message.remoteId)!.messageId);
    }
    // Read state comes with the message, as in a delta page; the big attachment stays on the server.
    expect(messages.find((message) => message.remoteId === first)!.flags).toContain('\\Seen');
    const withAttachment = messages.find((message) => message.remoteId === second)!;
    expect(withAttachment.attachments).toHaveLength(1);
    expect(withAttachment.source.length).toBeLessThan(60_000);
  });
});
