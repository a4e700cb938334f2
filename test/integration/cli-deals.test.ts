import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deal, DealPage } from '../../common/domain/deals.js';
import { runCli } from '../harness/cli.js';
import { startSecretService, type SecretService } from '../harness/secret-service.js';
import { makeTempDir } from '../harness/temp-dir.js';

// `clientele deals list|add|move|stages`, the built command in its own processes, against a
// private gnome-keyring: amounts typed in major units land as exact minor units, stages are
// found by name, and mistakes are refused with a message and exit code 1.
let keyring: SecretService;
const data = makeTempDir();

beforeAll(async () => {
  keyring = await startSecretService('unlocked');
  const init = await cli(['init', '--name', 'Ada Lovelace', '--json']);
  expect(init.code).toBe(0);
});
afterAll(async () => {
  await keyring.stop();
  data.remove();
});

const cli = (args: string[]) => runCli(['--data-dir', data.path, ...args], { env: keyring.env });

describe('clientele deals', () => {
  it('adds deals, moves one and lists them', async () => {
    const empty = await cli(['deals', 'list']);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('No deals yet');

    const add = await cli([
      'deals',
      'add',
      '--name',
      'Acme renewal',
      '--amount',
      '1200.50',
      '--currency',
      'eur',
      '--json',
    ]);
    expect(add.code).toBe(0);
    const acme = (add.json as { ok: true; value: Deal }).value;
    expect(acme).toMatchObject({ name: 'Acme renewal', amountMinor: 120050, currency: 'EUR', stageName: 'Lead' });

    const yen = await cli([
      'deals',
      'add',
      '--name',
      'Tokyo office',
      '--amount',
      '150000',
      '--currency',
      'JPY',
      '--stage',
      'proposal',
    ]);
    expect(yen.code).toBe(0);
    expect(yen.stdout).toMatch(/^Added deal \d+: Tokyo office · ¥150,000 · Proposal/);

    const move = await cli(['deals', 'move', String(acme.id), '--stage', 'Won', '--json']);
    expect(move.code).toBe(0);
    expect(move.json).toMatchObject({ ok: true, value: { id: acme.id, stageName: 'Won', stageKind: 'won' } });

    const list = await cli(['deals', 'list', '--json']);
    const page = (list.json as { ok: true; value: DealPage }).value;
    expect(page.items.map((d) => [d.name, d.stageName, d.amountMinor, d.currency])).toEqual([
      ['Acme renewal', 'Won', 120050, 'EUR'],
      ['Tokyo office', 'Proposal', 150000, 'JPY'],
    ]);
    const human = await cli(['deals', 'list']);
    expect(human.stdout).toContain('Acme renewal · €1,200.50 · Won');

    const stages = await cli(['deals', 'stages']);
    expect(stages.stdout).toMatch(/^Sales: Lead \(\d+\), Qualified/);
  });

  it('refuses a bad amount, an unknown stage or company, and a missing deal', async () => {
    const cents = await cli(['deals', 'add', '--name', 'X', '--amount', '1.234', '--currency', 'EUR']);
    expect(cents.code).toBe(1);
    expect(cents.stderr).toContain('--amount: "1.234" is not an amount in EUR');

    const stage = await cli([
      'deals',
      'add',
      '--name',
      'X',
      '--amount',
      '1',
      '--currency',
      'EUR',
      '--stage',
      'Nope',
      '--json',
    ]);
    expect(stage.code).toBe(1);
    expect(stage.json).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: expect.stringContaining('no stage "Nope"') },
    });

    const company = await cli([
      'deals',
      'add',
      '--name',
      'X',
      '--amount',
      '1',
      '--currency',
      'EUR',
      '--company',
      'acme.test',
    ]);
    expect(company.code).toBe(1);
    expect(company.stderr).toContain('no company with the domain "acme.test"');

    const missing = await cli(['deals', 'move', '999', '--stage', 'Won', '--json']);
    expect(missing.code).toBe(1);
    expect(missing.json).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    // Nothing was added by the refused commands.
    const list = await cli(['deals', 'list', '--json']);
    expect((list.json as { ok: true; value: DealPage }).value.items).toHaveLength(2);
  });
});
