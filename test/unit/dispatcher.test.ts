import { describe, expect, it, vi } from 'vitest';
import { contract, CALL_NAMES } from '../../common/api/contract.js';
import { DEFAULT_SETTINGS } from '../../common/domain/profile.js';
import { AppError } from '../../common/errors.js';
import { localOwnerPolicy, type Policy } from '../../common/rbac/permissions.js';
import { Dispatcher } from '../../main/core/api/dispatcher.js';
import type { Handlers } from '../../main/core/api/handlers.js';
import { silentLogger } from '../../main/util/logger.js';

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const unreachable = async (): Promise<never> => {
    throw new Error('not part of this test');
  };
  const all = Object.fromEntries(CALL_NAMES.map((name) => [name, unreachable])) as unknown as Handlers;
  return { ...all, ...overrides };
}

const owner = { current: () => localOwnerPolicy('u1') };
const caller = { transport: 'in-process' } as const;

describe('Dispatcher', () => {
  it('rejects an unknown call', async () => {
    const result = await new Dispatcher(handlers(), owner, silentLogger()).dispatch(caller, 'nope.nothing', {});
    expect(result).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'Unknown call "nope.nothing".' } });
  });

  it('returns VALIDATION with the zod path and never runs the service', async () => {
    const update = vi.fn(async () => DEFAULT_SETTINGS);
    const dispatcher = new Dispatcher(handlers({ 'settings.update': update }), owner, silentLogger());
    const result = await dispatcher.dispatch(caller, 'settings.update', { backfillMonths: 'twelve' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('VALIDATION');
    expect(result.error.message).toMatch(/^backfillMonths: /);
    expect(result.error.details).toEqual({ issues: [{ path: ['backfillMonths'], message: expect.any(String) }] });
    expect(update).not.toHaveBeenCalled();
  });

  it('rejects unknown input fields (strict schemas)', async () => {
    const dispatcher = new Dispatcher(handlers(), owner, silentLogger());
    const result = await dispatcher.dispatch(caller, 'settings.get', { sneaky: true });
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('refuses with FORBIDDEN when the policy does not grant the permission, before the service runs', async () => {
    const readOnly: Policy = { source: 'server', userId: 'u2', permissions: { settings: { view: 'all' } } };
    const update = vi.fn(async () => DEFAULT_SETTINGS);
    const get = vi.fn(async () => DEFAULT_SETTINGS);
    const dispatcher = new Dispatcher(
      handlers({ 'settings.update': update, 'settings.get': get }),
      { current: () => readOnly },
      silentLogger(),
    );
    expect(await dispatcher.dispatch(caller, 'settings.update', { theme: 'dark' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(update).not.toHaveBeenCalled();
    expect(await dispatcher.dispatch(caller, 'settings.get', {})).toEqual({ ok: true, value: DEFAULT_SETTINGS });
  });

  it('runs public calls without asking for a policy', async () => {
    const policies = {
      current: vi.fn((): Policy => {
        throw new AppError('PROFILE_LOCKED', 'locked');
      }),
    };
    const dispatcher = new Dispatcher(
      handlers({ 'app.state': async () => ({ phase: 'onboarding' as const }) }),
      policies,
      silentLogger(),
    );
    expect(await dispatcher.dispatch(caller, 'app.state', {})).toEqual({ ok: true, value: { phase: 'onboarding' } });
    expect(policies.current).not.toHaveBeenCalled();
  });

  it('gives the service the policy it authorized the call with, and none to a public call', async () => {
    const rep: Policy = { source: 'server', userId: 'u3', permissions: { settings: { view: 'all' } } };
    const seen: unknown[] = [];
    const dispatcher = new Dispatcher(
      handlers({
        'settings.get': async (_input, context) => (seen.push(context.policy), DEFAULT_SETTINGS),
        'app.state': async (_input, context) => (seen.push(context.policy), { phase: 'onboarding' as const }),
      }),
      { current: () => rep },
      silentLogger(),
    );
    expect((await dispatcher.dispatch(caller, 'settings.get', {})).ok).toBe(true);
    expect((await dispatcher.dispatch(caller, 'app.state', {})).ok).toBe(true);
    expect(seen).toEqual([rep, null]);
  });

  it('passes the policy source error through (e.g. locked profile)', async () => {
    const policies = {
      current: (): Policy => {
        throw new AppError('PROFILE_LOCKED', 'The profile is locked.');
      },
    };
    const dispatcher = new Dispatcher(handlers(), policies, silentLogger());
    expect(await dispatcher.dispatch(caller, 'settings.get', {})).toEqual({
      ok: false,
      error: { code: 'PROFILE_LOCKED', message: 'The profile is locked.' },
    });
  });

  it('strips output fields the contract does not declare', async () => {
    const leaky = async () => ({ ...DEFAULT_SETTINGS, databaseKey: 'deadbeef' }) as typeof DEFAULT_SETTINGS;
    const dispatcher = new Dispatcher(handlers({ 'settings.get': leaky }), owner, silentLogger());
    const result = await dispatcher.dispatch(caller, 'settings.get', {});
    expect(result).toEqual({ ok: true, value: DEFAULT_SETTINGS });
  });

  it('turns an unexpected exception into INTERNAL without leaking its message', async () => {
    const boom = async (): Promise<never> => {
      throw new Error('secret stack detail');
    };
    const dispatcher = new Dispatcher(handlers({ 'settings.get': boom }), owner, silentLogger());
    const result = await dispatcher.dispatch(caller, 'settings.get', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(result)).not.toContain('secret stack detail');
  });
});

describe('contract', () => {
  it('gives every call an explicit permission', () => {
    for (const [name, spec] of Object.entries(contract)) {
      expect(spec.permission, name).toBeDefined();
      if (spec.permission !== 'public') {
        expect(['view', 'create', 'edit', 'delete', 'communicate', 'export']).toContain(spec.permission.action);
      }
    }
  });
});
