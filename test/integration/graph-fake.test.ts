import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGraphServer } from '../fakes/graph/graph-server.js';
import { testMail } from '../fakes/graph/messages.js';

// The fake itself, over plain HTTP, against what the Graph reference pages say (cited in the fake).
let fake: FakeGraphServer;
let token = '';

beforeAll(async () => {
  fake = await new FakeGraphServer().start();
  token = fake.oauth.grant(fake.user).accessToken;
});
afterAll(async () => {
  await fake?.stop();
});

type Body = {
  value?: (Record<string, unknown> & { id: string })[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
  error?: { code: string };
  [key: string]: unknown;
};

async function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Body; headers: Headers }> {
  const response = await fetch(path.startsWith('http') ? path : `${fake.url}/v1.0${path}`, {
    headers: { authorization: `Bearer ${token}`, ...headers },
  });
  const text = await response.text();
  const json = response.headers.get('content-type')?.startsWith('application/json')
    ? (JSON.parse(text) as Body)
    : ({ text } as Body);
  return { status: response.status, body: json, headers: response.headers };
}

describe('fake Graph', () => {
  it('refuses requests without a valid bearer token (401 InvalidAuthenticationToken)', async () => {
    const response = await fetch(`${fake.url}/v1.0/me`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('InvalidAuthenticationToken');
  });

  it('serves /me and the well-known folder names', async () => {
    expect((await get('/me')).body).toMatchObject({ mail: fake.user, userPrincipalName: fake.user });
    const inbox = await get('/me/mailFolders/inbox');
    expect(inbox.body).toMatchObject({ id: fake.folderId('inbox'), displayName: 'Inbox' });
    expect((await get('/me/mailFolders/nosuchfolder')).status).toBe(404);
    const parent = fake.addFolder('Parent');
    fake.addFolder('Child', parent);
    const children = await get(`/me/mailFolders/${parent}/childFolders`);
    expect(children.body.value!.map((f) => f['displayName'])).toEqual(['Child']);
    const top = await get('/me/mailFolders?$top=3');
    expect(top.body.value).toHaveLength(3);
    expect(top.body['@odata.nextLink']).toContain('$skip=3');
  });

  it('pages delta with maxpagesize, ends with a deltaLink, reports removals, and 410s stale tokens', async () => {
    const folder = fake.addFolder('Delta');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await fake.addMessage(testMail(i).mime, folder));
    const prefer = { prefer: 'odata.maxpagesize=2, IdType="ImmutableId"' };
    let link = `/me/mailFolders/${folder}/messages/delta?$select=subject,isRead`;
    const seen: string[] = [];
    let deltaLink = '';
    for (let pages = 0; pages < 10 && !deltaLink; pages++) {
      const page = await get(link, prefer);
      expect(page.status).toBe(200);
      expect(page.headers.get('preference-applied')).toBe('odata.maxpagesize=2');
      expect(page.body.value!.length).toBeLessThanOrEqual(2);
      for (const message of page.body.value!) {
        expect(Object.keys(message).sort()).toEqual(['@odata.etag', '@odata.type', 'id', 'isRead', 'subject']);
        seen.push(message.id);
      }
      const next = page.body['@odata.nextLink'];
      if (next) {
        // A nextLink asked twice gives the same page (a client resuming after a crash).
        expect((await get(next, prefer)).body.value).toEqual((await get(next, prefer)).body.value);
        link = next;
      } else {
        deltaLink = page.body['@odata.deltaLink']!;
      }
    }
    expect(seen.sort()).toEqual([...ids].sort());
    expect(deltaLink).toContain('$deltatoken=');
    fake.setRead(ids[0]!, true);
    fake.delete(ids[1]!);
    fake.move(ids[2]!, fake.folderId('inbox'));
    const changed: Record<string, unknown>[] = [];
    let nextDelta = deltaLink;
    for (let link2: string | undefined = deltaLink, pages = 0; link2 && pages < 10; pages++) {
      const page = await get(link2, prefer);
      changed.push(...page.body.value!);
      link2 = page.body['@odata.nextLink'];
      if (!link2) nextDelta = page.body['@odata.deltaLink']!;
    }
    const byId = new Map(changed.map((m) => [m['id'], m]));
    expect(byId.get(ids[0]!)).toMatchObject({ isRead: true });
    expect(byId.get(ids[1]!)).toMatchObject({ '@removed': { reason: 'deleted' } });
    expect(byId.get(ids[2]!)).toMatchObject({ '@removed': { reason: 'changed' } });
    fake.invalidateDeltaTokens();
    expect(changed).toHaveLength(3);
    const gone = await get(nextDelta, prefer);
    expect(gone.status).toBe(410);
    expect(gone.body.error?.code).toBe('resyncRequired');
    const unknown = await get(`/me/mailFolders/${folder}/messages/delta?$deltatoken=nope`, prefer);
    expect(unknown.status).toBe(410);
    expect(unknown.body.error?.code).toBe('syncStateNotFound');
  });

  it("lists a folder's messages newest first, $top a page, $skip in the nextLink, filtered by receivedDateTime", async () => {
    const folder = fake.addFolder('Listed');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await fake.addMessage(testMail(i).mime, folder));
    const immutable = { prefer: 'IdType="ImmutableId"' };
    const first = await get(`/me/mailFolders/${folder}/messages?$select=id&$top=2`, immutable);
    expect(first.status).toBe(200);
    expect(first.body.value!.map((message) => Object.keys(message).sort())).toEqual([
      ['@odata.etag', 'id'],
      ['@odata.etag', 'id'],
    ]);
    const listed = first.body.value!.map((message) => message.id);
    for (let link = first.body['@odata.nextLink']; link;) {
      expect(link).toContain('$skip=');
      const page = await get(link, immutable);
      listed.push(...page.body.value!.map((message) => message.id));
      link = page.body['@odata.nextLink'];
    }
    expect(listed).toEqual([...ids].reverse());
    // testMail(i) is received i minutes after 2024-01-01T00:00Z.
    const since = await get(
      `/me/mailFolders/${folder}/messages?$select=id&$filter=receivedDateTime+ge+2024-01-01T00:03:00Z`,
      immutable,
    );
    expect(since.body.value!.map((message) => message.id)).toEqual([ids[4], ids[3]]);
    expect((await get(`/me/mailFolders/${folder}/messages?$filter=subject+eq+'x'`)).status).toBe(400);
  });

  it('gives REST ids that change on a move unless immutable ids are asked for', async () => {
    const folder = fake.addFolder('Ids');
    const immutable = await fake.addMessage(testMail(1).mime, folder);
    const restBefore = String((await get(`/me/messages/${immutable}?$select=subject`)).body['id']);
    expect(restBefore).not.toBe(immutable);
    fake.move(immutable, fake.folderId('archive'));
    expect((await get(`/me/messages/${restBefore}`)).status).toBe(404);
    const after = await get(`/me/messages/${immutable}?$select=subject,parentFolderId`, {
      prefer: 'IdType="ImmutableId"',
    });
    expect(after.body).toMatchObject({ id: immutable, parentFolderId: fake.folderId('archive') });
  });

  it('serves $value, attachments without contentBytes when not selected, and attachment $value', async () => {
    const mail = testMail(7, { attachmentBytes: 3000 });
    const id = await fake.addMessage(mail.mime, fake.folderId('inbox'));
    expect((await get(`/me/messages/${id}/$value`)).body).toEqual({ text: mail.mime });
    const list = await get(`/me/messages/${id}/attachments?$select=id,name,size`);
    expect(list.body.value).toHaveLength(1);
    expect(list.body.value![0]).toMatchObject({ name: 'report-7.pdf', size: 3000 });
    expect(list.body.value![0]!['contentBytes']).toBeUndefined();
    const raw = await fetch(`${fake.url}/v1.0/me/messages/${id}/attachments/${list.body.value![0]!.id}/$value`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(Buffer.from(await raw.arrayBuffer()).equals(mail.attachment!)).toBe(true);
  });

  it('batches up to 20 requests with per-request status, headers and bodies', async () => {
    const id = await fake.addMessage(testMail(8).mime, fake.folderId('inbox'));
    const post = async (requests: unknown[]) =>
      fetch(`${fake.url}/v1.0/$batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ requests }),
      });
    const response = await post([
      { id: '1', method: 'GET', url: '/me' },
      { id: '2', method: 'GET', url: `/me/messages/${id}/$value` },
      { id: '3', method: 'GET', url: '/me/messages/missing' },
    ]);
    const body = (await response.json()) as { responses: { id: string; status: number; body: unknown }[] };
    const byId = new Map(body.responses.map((r) => [r.id, r]));
    expect(byId.get('1')).toMatchObject({ status: 200, body: { mail: fake.user } });
    expect(byId.get('2')?.status).toBe(200);
    expect(Buffer.from(byId.get('2')!.body as string, 'base64').toString()).toContain('Subject: Message 8');
    expect(byId.get('3')).toMatchObject({ status: 404, body: { error: { code: 'ErrorItemNotFound' } } });
    const tooMany = Array.from({ length: 21 }, (_, i) => ({ id: String(i + 1), method: 'GET', url: '/me' }));
    expect((await post(tooMany)).status).toBe(400);
  });

  it('throttles a fifth concurrent request with 429 and Retry-After', async () => {
    const slow = await new FakeGraphServer({ latencyMs: 50 }).start();
    try {
      const at = slow.oauth.grant(slow.user).accessToken;
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => fetch(`${slow.url}/v1.0/me`, { headers: { authorization: `Bearer ${at}` } })),
      );
      const throttled = answers.filter((answer) => answer.status === 429);
      expect(throttled).toHaveLength(2);
      expect(throttled[0]!.headers.get('retry-after')).toBe('1');
      expect(slow.stats.peakConcurrency).toBe(4);
      expect(slow.stats.acceptedOverLimit).toBe(0);
    } finally {
      await slow.stop();
    }
  });
});
