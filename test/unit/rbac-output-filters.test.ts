import { describe, expect, it } from 'vitest';
import { CALL_NAMES } from '../../common/api/contract.js';
import type { Board, Deal } from '../../common/domain/deals.js';
import type { MessageDetail, MessagePage } from '../../common/domain/messages.js';
import type { SearchResults } from '../../common/domain/search.js';
import type { TimelinePage } from '../../common/domain/timeline.js';
import type { EmailVisibility, Policy } from '../../common/rbac/permissions.js';
import { Dispatcher } from '../../main/core/api/dispatcher.js';
import type { Handlers } from '../../main/core/api/handlers.js';
import { OUTPUT_FILTERS } from '../../main/rbac/output-filters.js';
import { silentLogger } from '../../main/util/logger.js';

// Field rules and email visibility strip results in the dispatcher, for every transport: deal amounts
// (and the board totals that add them up) when deal.amount is hidden; subjects, snippets and bodies
// by email visibility.

const deal: Deal = {
  id: 1,
  name: 'Acme renewal',
  amountMinor: 120_000,
  currency: 'EUR',
  pipelineId: 1,
  stageId: 1,
  stageName: 'Lead',
  stageKind: 'open',
  position: 0,
  closeDate: null,
  owner: null,
  company: null,
  contacts: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const stage = { id: 1, name: 'Lead', position: 0, kind: 'open' as const };
const board: Board = {
  pipeline: { id: 1, name: 'Sales', stages: [stage] },
  stages: [{ stage, deals: [deal], count: 1, totals: [{ currency: 'EUR', amountMinor: 120_000 }] }],
};
const flags = { seen: true, flagged: false, answered: false };
const page: MessagePage = {
  items: [
    {
      id: 7,
      accountId: 'a',
      threadId: 3,
      subject: 'Quote',
      from: { name: 'Ann', address: 'ann@acme.test' },
      date: '2026-05-01T10:00:00.000Z',
      snippet: 'Our budget is 1.2M',
      flags,
      hasAttachments: false,
      direction: 'received',
    },
  ],
  next: null,
  total: 1,
};
const detail: MessageDetail = {
  id: 7,
  accountId: 'a',
  threadId: 3,
  messageId: '<m@acme.test>',
  subject: 'Quote',
  date: '2026-05-01T10:00:00.000Z',
  from: [{ name: 'Ann', address: 'ann@acme.test' }],
  to: [],
  cc: [],
  replyTo: [],
  direction: 'received',
  flags,
  text: 'Our budget is 1.2M',
  html: '<p>Our budget is 1.2M</p>',
  textTruncated: false,
  attachments: [],
  imagesAllowed: false,
};
const search: SearchResults = {
  hits: [
    {
      messageId: 7,
      accountId: 'a',
      subject: 'Quote',
      date: detail.date,
      from: null,
      snippet: [{ text: 'budget', match: true }],
    },
  ],
  next: null,
  indexing: { done: true, progress: 1, pending: 0 },
};
const timeline: TimelinePage = {
  items: [
    {
      kind: 'thread',
      key: 't3',
      at: detail.date,
      threadId: 3,
      subject: 'Quote',
      messages: 1,
      latest: {
        messageId: 7,
        from: { name: 'Ann', address: 'ann@acme.test' },
        date: detail.date,
        direction: 'received',
        snippet: 'budget',
      },
    },
  ],
  next: null,
};

const DEALS_CSV =
  '\uFEFFid,name,amount,amount_minor,currency\r\n1,Acme,1200.00,120000,EUR\r\n2,"Quote, ""big""",5.00,500,EUR\r\n';

const handlers = {
  ...Object.fromEntries(CALL_NAMES.map((name) => [name, async () => Promise.reject(new Error(`no ${name}`))])),
  'deals.get': async () => deal,
  'deals.create': async () => deal,
  'deals.update': async () => deal,
  'deals.move': async () => deal,
  'deals.export': async () => ({ filename: 'deals.csv', csv: DEALS_CSV, rows: 2 }),
  'deals.list': async () => ({ items: [deal], next: null }),
  'deals.board': async () => board,
  'mail.list': async () => page,
  'mail.get': async () => detail,
  'search.messages': async () => search,
  'timeline.forRecord': async () => timeline,
  'mail.downloadAttachment': async () => ({
    filename: 'a.pdf',
    contentType: 'application/pdf',
    size: 1,
    contentBase64: 'AA==',
  }),
} as unknown as Handlers;

function policy(extra: Partial<Policy>): Policy {
  return {
    source: 'server',
    userId: 'u',
    permissions: { deal: { view: 'all', create: 'all', edit: 'all', export: 'all' }, email: { view: 'all' } },
    ...extra,
  };
}

async function call(p: Policy, name: string, input: unknown): Promise<unknown> {
  const result = await new Dispatcher(handlers, { current: () => p }, silentLogger()).dispatch(
    { transport: 'http' },
    name,
    input,
  );
  if (!result.ok) return result;
  return result.value;
}

describe('deal.amount hidden', () => {
  const hidden = policy({ fieldRules: { deal: { amount: 'hidden' } } });

  it('strips the amount from deals.get, deals.list and deals.board, and the totals', async () => {
    const one = (await call(hidden, 'deals.get', { id: 1 })) as Record<string, unknown>;
    expect(one).not.toHaveProperty('amountMinor');
    expect(one).toMatchObject({ name: 'Acme renewal', currency: 'EUR' });
    const list = (await call(hidden, 'deals.list', {})) as { items: Record<string, unknown>[] };
    expect(list.items[0]).not.toHaveProperty('amountMinor');
    const stripped = (await call(hidden, 'deals.board', {})) as Board;
    expect(stripped.stages[0]!.deals[0]).not.toHaveProperty('amountMinor');
    expect(stripped.stages[0]!.totals).toEqual([{ currency: 'EUR' }]);
    expect(JSON.stringify(stripped)).not.toContain('120000');
  });

  it('strips it from what deals.create, deals.update and deals.move return', async () => {
    for (const [name, input] of [
      ['deals.create', { name: 'Acme renewal', amountMinor: 1, currency: 'EUR' }],
      ['deals.update', { id: 1, name: 'Acme renewal' }],
      ['deals.move', { id: 1, stageId: 1 }],
    ] as const) {
      const value = await call(hidden, name, input);
      expect(value, name).toMatchObject({ id: 1, name: 'Acme renewal' });
      expect(value, name).not.toHaveProperty('amountMinor');
    }
  });

  it('drops the amount columns of the deals CSV, keeping BOM, CRLF and quoting', async () => {
    expect(await call(hidden, 'deals.export', {})).toEqual({
      filename: 'deals.csv',
      csv: '\uFEFFid,name,currency\r\n1,Acme,EUR\r\n2,"Quote, ""big""",EUR\r\n',
      rows: 2,
    });
    expect(await call(policy({}), 'deals.export', {})).toMatchObject({ csv: DEALS_CSV });
  });

  it('leaves amounts alone when the field is visible or not ruled', async () => {
    expect(await call(policy({ fieldRules: { deal: { amount: 'visible' } } }), 'deals.get', { id: 1 })).toEqual(deal);
    expect(await call(policy({}), 'deals.board', {})).toEqual(board);
  });
});

describe('email visibility', () => {
  it.each<[EmailVisibility, { subject: boolean; body: boolean }]>([
    ['full', { subject: true, body: true }],
    ['subject', { subject: true, body: false }],
    ['metadata', { subject: false, body: false }],
  ])('%s', async (emailVisibility, shows) => {
    const p = policy({ emailVisibility });
    const summary = ((await call(p, 'mail.list', {})) as MessagePage).items[0]!;
    expect('subject' in summary).toBe(shows.subject);
    expect('snippet' in summary).toBe(shows.body);
    expect(summary.from).toEqual({ name: 'Ann', address: 'ann@acme.test' });

    const message = (await call(p, 'mail.get', { id: 7 })) as Partial<MessageDetail>;
    expect('subject' in message).toBe(shows.subject);
    expect('text' in message || 'html' in message).toBe(shows.body);
    expect(message.date).toBe(detail.date);

    const hit = ((await call(p, 'search.messages', { query: 'budget' })) as SearchResults).hits[0]!;
    expect('subject' in hit).toBe(shows.subject);
    expect('snippet' in hit).toBe(shows.body);

    const thread = ((await call(p, 'timeline.forRecord', { record: { type: 'deal', id: 1 } })) as TimelinePage)
      .items[0]!;
    expect('subject' in thread).toBe(shows.subject);
    expect(thread.kind === 'thread' && 'snippet' in thread.latest).toBe(shows.body);

    const download = await call(p, 'mail.downloadAttachment', { messageId: 7, partId: '2' });
    if (shows.body) expect(download).toMatchObject({ filename: 'a.pdf' });
    else expect(download).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('the filter table', () => {
  it('names only calls of the contract', () => {
    for (const name of Object.keys(OUTPUT_FILTERS)) expect(CALL_NAMES as string[]).toContain(name);
  });
});
