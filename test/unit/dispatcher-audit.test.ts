import { describe, expect, it } from 'vitest';
import { contract } from '../../common/api/contract.js';
import type { CallSpec } from '../../common/api/define.js';
import { AppError } from '../../common/errors.js';
import { localOwnerPolicy, type Policy } from '../../common/rbac/permissions.js';
import { Dispatcher, type AuditedCallEvent, type ForbiddenEvent } from '../../main/core/api/dispatcher.js';
import type { Handlers } from '../../main/core/api/handlers.js';
import { silentLogger } from '../../main/util/logger.js';

// Exports and sensitive views are audited: every successful call whose permission is an export tells
// the core (which queues it for the team server), with the row count, and so does every successful
// call the contract marks as a sensitive view, naming what was viewed; a refusal is a refusal only.

const handlers = {
  'deals.export': async () => ({ filename: 'deals.csv', csv: 'name\nAcme\nBeta\n', rows: 2 }),
  'deals.list': async () => ({ items: [], nextCursor: null }),
  'mail.get': async () => {
    throw new AppError('NOT_FOUND', 'No such message.');
  },
  'mail.downloadAttachment': async () => ({
    filename: 'a.pdf',
    contentType: 'application/pdf',
    size: 1,
    contentBase64: 'AA==',
  }),
} as unknown as Handlers;

function dispatcherWith(policy: Policy) {
  const audited: AuditedCallEvent[] = [];
  const forbidden: ForbiddenEvent[] = [];
  const dispatcher = new Dispatcher(handlers, { current: () => policy }, silentLogger(), {
    onAudited: (event) => audited.push(event),
    onForbidden: (event) => forbidden.push(event),
  });
  return { dispatcher, audited, forbidden };
}

describe('audited calls', () => {
  it('reports a successful export with its row count, and nothing for a plain read', async () => {
    const { dispatcher, audited } = dispatcherWith(localOwnerPolicy('owner'));
    expect(await dispatcher.dispatch({ transport: 'ipc' }, 'deals.export', {})).toMatchObject({ ok: true });
    await dispatcher.dispatch({ transport: 'ipc' }, 'deals.list', {});
    expect(audited).toEqual([{ kind: 'export', call: 'deals.export', transport: 'ipc', rows: 2 }]);
  });

  it('reports a sensitive view with its target, and not a failed or refused one', async () => {
    const { dispatcher, audited } = dispatcherWith(localOwnerPolicy('owner'));
    const input = { messageId: 7, partId: '2' };
    expect(await dispatcher.dispatch({ transport: 'http' }, 'mail.downloadAttachment', input)).toMatchObject({
      ok: true,
    });
    expect(await dispatcher.dispatch({ transport: 'http' }, 'mail.get', { id: 9 })).toMatchObject({ ok: false });
    expect(audited).toEqual([
      { kind: 'view', call: 'mail.downloadAttachment', transport: 'http', target: 'message:7/part:2' },
    ]);

    const subjectOnly: Policy = {
      source: 'server',
      userId: 'rep',
      permissions: { email: { view: 'all' } },
      emailVisibility: 'subject',
    };
    const refused = dispatcherWith(subjectOnly);
    await refused.dispatcher.dispatch({ transport: 'ipc' }, 'mail.downloadAttachment', input);
    expect(refused.audited).toEqual([]);
    expect(refused.forbidden).toMatchObject([{ call: 'mail.downloadAttachment' }]);
  });

  it('marks only reads of mail content as sensitive views', () => {
    const marked = Object.entries(contract)
      .filter(([, spec]) => (spec as CallSpec).sensitiveView)
      .map(([name]) => name)
      .sort();
    expect(marked).toEqual(['mail.downloadAttachment', 'mail.get']);
  });

  it('reports a refused export only as a refusal', async () => {
    const noExport: Policy = { source: 'server', userId: 'rep', permissions: { deal: { view: 'own' } } };
    const { dispatcher, audited, forbidden } = dispatcherWith(noExport);
    expect(await dispatcher.dispatch({ transport: 'cli' }, 'deals.export', {})).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(audited).toEqual([]);
    expect(forbidden).toMatchObject([{ call: 'deals.export', transport: 'cli' }]);
  });

  it('keeps the result when queuing the event fails', async () => {
    const dispatcher = new Dispatcher(handlers, { current: () => localOwnerPolicy('owner') }, silentLogger(), {
      onAudited: () => {
        throw new Error('store locked');
      },
    });
    expect(await dispatcher.dispatch({ transport: 'ipc' }, 'deals.export', {})).toMatchObject({
      ok: true,
      value: { rows: 2 },
    });
  });
});
