import { describe, expect, it } from 'vitest';
import { localOwnerPolicy, type Policy } from '../../common/rbac/permissions.js';
import { Dispatcher, type AuditedCallEvent, type ForbiddenEvent } from '../../main/core/api/dispatcher.js';
import type { Handlers } from '../../main/core/api/handlers.js';
import { silentLogger } from '../../main/util/logger.js';

// Exports are audited: every successful call whose permission is an export tells the core (which
// queues it for the team server), with the row count; a refused export is a refusal, not an export.

const handlers = {
  'deals.export': async () => ({ filename: 'deals.csv', csv: 'name\nAcme\nBeta\n', rows: 2 }),
  'deals.list': async () => ({ items: [], nextCursor: null }),
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
    expect(audited).toEqual([{ call: 'deals.export', transport: 'ipc', rows: 2 }]);
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
