import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Board, Deal } from '../../common/domain/deals.js';
import { localOwnerPolicy, type Policy } from '../../common/rbac/permissions.js';
import type { Note, Task, TimelinePage } from '../../common/domain/timeline.js';
import { expectOk, openTestCore } from '../harness/core.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { makeTempDir } from '../harness/temp-dir.js';

// The deals, notes, tasks and timeline calls through the core's dispatcher (validation, RBAC,
// handlers, store), as every transport reaches them. The policy is swapped to check that the
// timeline also asks for view of the record's own object.
let keyring: SecretService;
const data = makeTempDir();
let policy: Policy = localOwnerPolicy('me');
let core: Awaited<ReturnType<typeof openTestCore>>;

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
  core = await openTestCore(data.path, { policies: { current: () => policy } });
  expectOk(await core.call('profile.create', { displayName: 'Deal tester' }));
});
afterAll(async () => {
  await core?.close();
  await keyring?.stop();
  data.remove();
});

describe('deals, notes, tasks and the timeline through the API', () => {
  it('creates, moves and reads deals; refuses what the contract does not allow', async () => {
    const board = expectOk(await core.call<Board>('deals.board', {}));
    const [lead, qualified] = board.stages.map((column) => column.stage);
    const deal = expectOk(
      await core.call<Deal>('deals.create', { name: 'Acme', amountMinor: 500, currency: 'usd', stageId: lead!.id }),
    );
    expect(deal).toMatchObject({ currency: 'USD', stageName: 'Lead', position: 0 });
    const bad = await core.call('deals.create', { name: 'X', amountMinor: 1.5, currency: 'EURO' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await core.call('deals.move', { id: deal.id, stageId: 99_999 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(expectOk(await core.call<Deal>('deals.move', { id: deal.id, stageId: qualified!.id })).stageName).toBe(
      'Qualified',
    );
    expect(await core.call('deals.get', { id: 424242 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const after = expectOk(await core.call<Board>('deals.board', {}));
    expect(after.stages[1]).toMatchObject({ count: 1, totals: [{ currency: 'USD', amountMinor: 500 }] });
  });

  it('keeps notes and tasks on a deal and shows them on its timeline, newest first', async () => {
    const deal = expectOk(await core.call<Deal>('deals.create', { name: 'Globex', amountMinor: 1, currency: 'EUR' }));
    const record = { type: 'deal', id: deal.id } as const;
    const note = expectOk(await core.call<Note>('notes.create', { record, body: '  first call went well  ' }));
    expect(note).toMatchObject({ body: 'first call went well', author: 'Deal tester', record });
    const task = expectOk(
      await core.call<Task>('tasks.create', { record, title: 'Send the quote', dueAt: '2026-12-01' }),
    );
    expect(task.dueAt).toBe('2026-12-01T00:00:00.000Z');
    expect(expectOk(await core.call<Task>('tasks.update', { id: task.id, done: true })).doneAt).not.toBeNull();

    const timeline = expectOk(await core.call<TimelinePage>('timeline.forRecord', { record }));
    expect(timeline.items.map((item) => item.kind).sort()).toEqual(['note', 'stage', 'task']);
    expect(timeline.next).toBeNull();

    expect(await core.call('notes.create', { record: { type: 'contact', id: 999 }, body: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'No contact 999.' },
    });
    expect(await core.call('timeline.forRecord', { record: { type: 'company', id: 999 } })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(expectOk(await core.call('notes.delete', { id: note.id }))).toEqual({ deleted: true });
    expect(expectOk(await core.call('notes.delete', { id: note.id }))).toEqual({ deleted: false });
    expect(expectOk(await core.call('deals.delete', { id: deal.id }))).toEqual({ deleted: true });
    expect(await core.call('tasks.update', { id: task.id, done: false })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it("asks for view of the record's own object before showing its timeline", async () => {
    const deal = expectOk(await core.call<Deal>('deals.create', { name: 'Initech', amountMinor: 1, currency: 'EUR' }));
    policy = { ...localOwnerPolicy('me'), permissions: { email: { view: 'all' }, deal: { view: 'none' } } };
    try {
      expect(await core.call('timeline.forRecord', { record: { type: 'deal', id: deal.id } })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN', message: expect.stringContaining('view deal') },
      });
      expect(await core.call('deals.get', { id: deal.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    } finally {
      policy = localOwnerPolicy('me');
    }
    expect((await core.call('timeline.forRecord', { record: { type: 'deal', id: deal.id } })).ok).toBe(true);
  });
});
