import { describe, expect, it } from 'vitest';
import type { ImapFlow } from 'imapflow';
import { newMailOnPushConnection } from '../../main/sync/drivers/imap/imap-push-fetch.js';
import type { RemoteMessage } from '../../main/sync/mail-driver.js';

const cursor = {
  v: 1,
  uidValidity: '7',
  highestModseq: '40',
  top: 100,
  bottom: 1,
  floor: 1,
  span: 150,
  remoteTotal: 90,
};

/** A push connection with INBOX selected whose server holds these UIDs. */
function pushConnection(uids: number[], uidValidity = 7n) {
  const searches: string[] = [];
  const client = {
    mailbox: { path: 'INBOX', uidValidity, exists: uids.length },
    // Like a server: "n:*" matches the UIDs from n up, or the last message when none is.
    search: async (query: { uid: string }) => {
      searches.push(query.uid);
      const from = Number(query.uid.split(':')[0]);
      const above = uids.filter((uid) => uid >= from);
      return above.length > 0 ? above : uids.slice(-1);
    },
  } as unknown as ImapFlow;
  return { client, searches };
}

const fetched: number[][] = [];
const fetchUids = async (_client: ImapFlow, uids: number[]): Promise<RemoteMessage[]> => {
  fetched.push(uids);
  return [...uids].reverse().map((uid) => ({
    remoteId: String(uid),
    flags: [],
    internalDate: null,
    size: 1,
    source: Buffer.from('x'),
    sourceTruncated: false,
    attachments: [],
  }));
};
const budget = { maxMessages: 2, maxBytes: 1_000_000 };

describe('new mail on the push connection', () => {
  it('fetches only the UIDs above top and moves only top and the count on (HIGHESTMODSEQ stays for the next SELECT)', async () => {
    fetched.length = 0;
    const { client, searches } = pushConnection([...Array.from({ length: 90 }, (_, i) => i + 1), 101]);
    const page = await newMailOnPushConnection(
      client,
      'INBOX',
      JSON.stringify(cursor),
      { since: null },
      budget,
      fetchUids,
    );
    expect(searches).toEqual(['101:*']);
    expect(fetched).toEqual([[101]]);
    expect(page).toMatchObject({
      reset: false,
      deletes: [],
      flagChanges: [],
      more: false,
      backfillComplete: true,
      remoteTotal: 91,
    });
    expect(page!.upserts.map((message) => message.remoteId)).toEqual(['101']);
    expect(JSON.parse(page!.nextCursor)).toEqual({ ...cursor, top: 101, remoteTotal: 91 });
  });

  it('takes a budget of new mail at a time, oldest first, and says there is more', async () => {
    fetched.length = 0;
    const { client } = pushConnection([50, 100, 104, 105, 109]);
    const page = await newMailOnPushConnection(
      client,
      'INBOX',
      JSON.stringify(cursor),
      { since: null },
      budget,
      fetchUids,
    );
    expect(fetched).toEqual([[104, 105]]);
    expect(page).toMatchObject({ more: true });
    expect(JSON.parse(page!.nextCursor)).toMatchObject({ top: 105, highestModseq: '40' });
  });

  it('changes nothing when nothing is above top (the server answers "n:*" with the last message)', async () => {
    fetched.length = 0;
    const { client } = pushConnection([99, 100]);
    const page = await newMailOnPushConnection(
      client,
      'INBOX',
      JSON.stringify(cursor),
      { since: new Date() },
      budget,
      fetchUids,
    );
    expect(fetched).toEqual([]);
    expect(page!.upserts).toEqual([]);
    expect(JSON.parse(page!.nextCursor)).toEqual(cursor);
  });

  it('declines without a cursor, for another folder or another UIDVALIDITY (a full page instead)', async () => {
    const { client, searches } = pushConnection([101], 8n);
    expect(
      await newMailOnPushConnection(client, 'INBOX', JSON.stringify(cursor), { since: null }, budget, fetchUids),
    ).toBeNull();
    expect(
      await newMailOnPushConnection(pushConnection([101]).client, 'INBOX', null, { since: null }, budget, fetchUids),
    ).toBeNull();
    expect(
      await newMailOnPushConnection(
        pushConnection([101]).client,
        'Sent',
        JSON.stringify(cursor),
        { since: null },
        budget,
        fetchUids,
      ),
    ).toBeNull();
    expect(searches).toEqual([]);
  });
});
