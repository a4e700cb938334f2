import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAllowed } from '../../common/rbac/evaluate.js';
import type { PolicyDocument, PolicyRejection } from '../../common/rbac/policy.js';
import { ServerPolicySource } from '../../main/rbac/server-policy-source.js';
import { MIGRATIONS } from '../../main/store/migrations/index.js';
import { Store, type StoreKeys } from '../../main/store/store.js';
import { silentLogger } from '../../main/util/logger.js';
import { makeSigner, policyDocument, signWith, type TestSigner } from '../harness/policy-signer.js';
import { makeTempDir } from '../harness/temp-dir.js';
import { generateKeyPair } from 'jose';

// The signed policy on the desktop: a policy is taken only when signed with the workspace key pinned
// at enrollment, for the enrolled user and workspace, not expired and never older than the one in
// force. Any refusal keeps the previous good policy. Offline, it holds until expiry + grace, then the
// profile locks read-only (never open). The clock is controlled; the store is the real encrypted one.

const HOUR = 3_600_000;
const T0 = Date.parse('2026-06-01T09:00:00Z');

let dir: ReturnType<typeof makeTempDir>;
let keys: StoreKeys;
let store: Store;
let signer: TestSigner;
let now: number;
let source: ServerPolicySource;

function openStore(): Store {
  return Store.open(join(dir.path, 'clientele.db'), keys, { create: true, migrations: MIGRATIONS });
}

beforeEach(async () => {
  dir = makeTempDir();
  keys = { databaseKey: randomBytes(32), fieldKey: randomBytes(32) };
  store = openStore();
  signer = await makeSigner();
  store.team.enroll({
    serverUrl: 'https://crm.example.test',
    workspaceId: 'ws-acme',
    userId: 'user-rep',
    publicKeyJwk: signer.publicKeyJwk,
  });
  now = T0;
  source = new ServerPolicySource(
    () => store.team,
    silentLogger(),
    () => now,
  );
});
afterEach(() => {
  store.close();
  dir.remove();
});

const exportDeals = { object: 'deal', action: 'export' } as const;
const viewDeals = { object: 'deal', action: 'view' } as const;

async function acceptGood(overrides: Partial<PolicyDocument> = {}): Promise<PolicyDocument> {
  const document = policyDocument(now, { permissions: { deal: { view: 'team', export: 'own' } }, ...overrides });
  const verdict = await source.accept(await signer.sign(document), `"v${document.version}"`);
  expect(verdict).toMatchObject({ ok: true });
  return document;
}

describe('accepting a signed policy', () => {
  it('an enrolled profile with no policy yet may do nothing but public calls', () => {
    const policy = source.current();
    expect(isAllowed(policy, viewDeals, now)).toBe(false);
    expect(policy.readOnlyReason).toMatch(/No policy has been received/);
  });

  it('takes a good policy, keeps it in the store with its ETag, and applies it', async () => {
    await acceptGood({ version: 3 });
    expect(store.team.policy()).toMatchObject({ version: 3, etag: '"v3"' });
    expect(isAllowed(source.current(), exportDeals, now)).toBe(true);
    expect(isAllowed(source.current(), { object: 'contact', action: 'view' }, now)).toBe(false);
    // A restart: a new source over a reopened store applies the same policy.
    store.close();
    store = openStore();
    const restarted = new ServerPolicySource(
      () => store.team,
      silentLogger(),
      () => now,
    );
    expect(isAllowed(restarted.current(), exportDeals, now)).toBe(true);
    expect(restarted.storedEtag()).toBe('"v3"');
  });

  type Attack = [string, PolicyRejection, () => Promise<string>];
  const attacks: Attack[] = [
    [
      'forged signature (payload changed after signing)',
      'POLICY_SIGNATURE_INVALID',
      async () => {
        const [header, , signature] = (await signer.sign(policyDocument(now, { version: 9 }))).split('.');
        const widened = policyDocument(now, { version: 9, permissions: { users: { edit: 'all' } } });
        return `${header}.${Buffer.from(JSON.stringify(widened)).toString('base64url')}.${signature}`;
      },
    ],
    [
      'signed with another key',
      'POLICY_SIGNATURE_INVALID',
      async () => (await makeSigner()).sign(policyDocument(now, { version: 9 })),
    ],
    [
      'signed with the right key but another token type',
      'POLICY_SIGNATURE_INVALID',
      () => signer.sign(policyDocument(now, { version: 9 }), { typ: 'JWT' }),
    ],
    ['not a JWS at all', 'POLICY_SIGNATURE_INVALID', async () => 'hello.world'],
    [
      'signed, but not a policy document',
      'POLICY_MALFORMED',
      () => signer.sign({ userId: 'user-rep', workspaceId: 'ws-acme', version: 9, permissions: 'all' }),
    ],
    ['expired', 'POLICY_EXPIRED', () => signer.sign(policyDocument(now - 48 * HOUR, { version: 9 }, 24))],
    ['replayed older version', 'POLICY_VERSION_ROLLBACK', () => signer.sign(policyDocument(now, { version: 1 }))],
    [
      'same version with other rights',
      'POLICY_VERSION_ROLLBACK',
      () => signer.sign(policyDocument(now, { version: 2, permissions: { deal: { view: 'all', export: 'all' } } })),
    ],
    [
      "another user's policy",
      'POLICY_WRONG_USER',
      () => signer.sign(policyDocument(now, { version: 9, userId: 'user-boss' })),
    ],
    [
      'another workspace',
      'POLICY_WRONG_WORKSPACE',
      () => signer.sign(policyDocument(now, { version: 9, workspaceId: 'ws-other' })),
    ],
  ];

  it.each(attacks)('refuses %s and keeps the previous good policy', async (_name, code, make) => {
    await acceptGood({ version: 1 });
    now += HOUR;
    await acceptGood({ version: 2 });
    const before = store.team.policy();
    const verdict = await source.accept(await make(), '"evil"');
    expect(verdict).toMatchObject({ ok: false, code });
    expect(store.team.policy()).toEqual(before);
    expect(source.current().permissions).toEqual({ deal: { view: 'team', export: 'own' } });
    expect(store.team.pendingAudit().map((event) => [event.kind, (event.detail as { code: string }).code])).toEqual([
      ['policy.rejected', code],
    ]);
  });

  it('takes the same version re-signed later to renew its expiry, not an earlier copy of it', async () => {
    const first = await acceptGood({ version: 5 });
    now += 12 * HOUR;
    const renewed = await acceptGood({ version: 5 });
    expect(store.team.policy()?.jws).toContain('.');
    const earlier = await signer.sign(first);
    expect(await source.accept(earlier, null)).toMatchObject({ ok: false, code: 'POLICY_VERSION_ROLLBACK' });
    expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(Date.parse(first.expiresAt));
  });

  it('refuses a policy when the profile is not enrolled, and locks with a clear reason', async () => {
    store.team.unenroll();
    const verdict = await source.accept(await signer.sign(policyDocument(now)), null);
    expect(verdict).toMatchObject({ ok: false, code: 'POLICY_WRONG_WORKSPACE' });
    expect(() => source.current()).toThrow(/not enrolled/);
  });

  it('enrolling again (a new key) drops the old policy', async () => {
    await acceptGood({ version: 4 });
    const other = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    store.team.enroll({ serverUrl: 'https://x.test', workspaceId: 'ws-acme', userId: 'user-rep', publicKeyJwk: '{}' });
    expect(store.team.policy()).toBeNull();
    expect(await source.accept(await signWith(other.privateKey, policyDocument(now)), null)).toMatchObject({
      ok: false,
      code: 'POLICY_SIGNATURE_INVALID',
    });
  });
});

describe('offline: expiry, grace and the read-only lock', () => {
  it('holds until expiry + grace, then locks read-only with the reason, never open', async () => {
    const document = await acceptGood({
      version: 7,
      permissions: { deal: { view: 'team', export: 'all', edit: 'own' }, contact: { view: 'own' } },
      grants: [
        {
          id: 'jit-1',
          object: 'contact',
          action: 'export',
          scope: 'all',
          expiresAt: new Date(T0 + 2 * HOUR).toISOString(),
        },
      ],
      offlineGraceHours: 10,
    });
    const expiry = Date.parse(document.expiresAt);
    const contactsExport = { object: 'contact', action: 'export' } as const;

    // Within the JIT grant's life.
    expect(isAllowed(source.current(), contactsExport, source.now())).toBe(true);
    now = T0 + 2 * HOUR;
    expect(isAllowed(source.current(), contactsExport, source.now())).toBe(false);

    // Past its expiry, within the grace: everything as before.
    now = expiry + 9 * HOUR;
    expect(source.current().readOnlyReason).toBeUndefined();
    expect(isAllowed(source.current(), exportDeals, source.now())).toBe(true);

    // Grace over: only 'view' of what the policy granted; the reason says since when.
    now = expiry + 10 * HOUR;
    const locked = source.current();
    expect(locked.readOnlyReason).toContain(`policy expired offline since ${document.expiresAt}`);
    expect(isAllowed(locked, viewDeals, source.now())).toBe(true);
    expect(isAllowed(locked, exportDeals, source.now())).toBe(false);
    expect(isAllowed(locked, { object: 'deal', action: 'edit' }, source.now())).toBe(false);
    expect(isAllowed(locked, { object: 'email', action: 'view' }, source.now())).toBe(false);

    // A late, expired policy cannot unlock it; a fresh one does.
    expect(await source.accept(await signer.sign(policyDocument(T0, { version: 8 })), null)).toMatchObject({
      ok: false,
      code: 'POLICY_EXPIRED',
    });
    expect(source.current().readOnlyReason).toBeDefined();
    await acceptGood({ version: 8 });
    expect(source.current().readOnlyReason).toBeUndefined();
  });

  it('uses a 72 h grace when the admin set none', async () => {
    const signed = policyDocument(now, { version: 1 }) as Partial<PolicyDocument>;
    delete signed.offlineGraceHours;
    expect(await source.accept(await signer.sign(signed as PolicyDocument), null)).toMatchObject({ ok: true });
    now = Date.parse(policyDocument(T0).expiresAt) + 72 * HOUR - 1;
    expect(source.current().readOnlyReason).toBeUndefined();
    now += 1;
    expect(source.current().readOnlyReason).toMatch(/72 h grace/);
  });
});
