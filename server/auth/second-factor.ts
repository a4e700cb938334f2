import type { Kysely } from 'kysely';
import { AppError } from '../../common/errors.js';
import type { ServerDatabase } from '../db/schema.js';
import { placeOf, USER_TOTP_SECRET } from '../secrets/sealed-columns.js';
import type { ServerSecrets } from '../secrets/server-secrets.js';
import { hashRecoveryCode, newRecoveryCode, RECOVERY_CODE_COUNT } from './recovery-codes.js';
import { newId } from './tokens.js';
import { matchTotpCode, newTotpSecret } from './totp.js';

/**
 * A user's TOTP and recovery codes: set-up, confirmation, checking a code once, disabling.
 * The TOTP secret is stored sealed with the server secret key, bound to the user's id.
 */

export type TotpDeps = { db: Kysely<ServerDatabase>; secrets: ServerSecrets };

/** A stored secret that does not open fails the request (500), naming the key problem in the log. */
function openSecret(secrets: ServerSecrets, userId: string, sealed: string): string {
  const opened = secrets.open(sealed, placeOf(USER_TOTP_SECRET, userId));
  if (opened.ok) return opened.value;
  throw new AppError('INTERNAL', "This account's two-factor secret can't be read on the server.", {
    details: opened.error,
  });
}

export async function hasSecondFactor(db: Kysely<ServerDatabase>, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('user_totp')
    .select('user_id')
    .where('user_id', '=', userId)
    .where('enabled_at', 'is not', null)
    .executeTakeFirst();
  return row !== undefined;
}

/** Starts (or restarts) set-up with a fresh secret; refused while 2FA is on (disable it first). */
export async function beginTotpSetup({ db, secrets }: TotpDeps, userId: string, now: number): Promise<string> {
  if (await hasSecondFactor(db, userId)) {
    throw new AppError('CONFLICT', 'Two-factor sign-in is already on; turn it off first to set up a new device.');
  }
  const secret = newTotpSecret();
  await db.deleteFrom('user_totp').where('user_id', '=', userId).execute();
  await db
    .insertInto('user_totp')
    .values({
      user_id: userId,
      secret_sealed: secrets.seal(secret, placeOf(USER_TOTP_SECRET, userId)),
      created_at: now,
      enabled_at: null,
      last_time_step: null,
    })
    .execute();
  return secret;
}

/**
 * Accepts a code from the pending secret and turns 2FA on; returns the new recovery codes (the only
 * time they exist in clear). Codes from an earlier set-up are replaced.
 */
export async function confirmTotpSetup(
  { db, secrets }: TotpDeps,
  userId: string,
  code: string,
  now: number,
): Promise<string[] | undefined> {
  const pending = await db
    .selectFrom('user_totp')
    .selectAll()
    .where('user_id', '=', userId)
    .where('enabled_at', 'is', null)
    .executeTakeFirst();
  if (!pending) throw new AppError('CONFLICT', 'Start the set-up first (POST /api/auth/totp/setup).');
  const timeStep = await matchTotpCode(openSecret(secrets, userId, pending.secret_sealed), code, now, null);
  if (timeStep === undefined) return undefined;

  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => newRecoveryCode());
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('user_totp')
      .set({ enabled_at: now, last_time_step: timeStep })
      .where('user_id', '=', userId)
      .execute();
    await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    await trx
      .insertInto('recovery_codes')
      .values(
        codes.map((recovery) => ({
          id: newId(),
          user_id: userId,
          code_hash: hashRecoveryCode(recovery),
          created_at: now,
          used_at: null,
        })),
      )
      .execute();
  });
  return codes;
}

/**
 * True when the code is valid now (±1 step) and newer than the last accepted one, which it then
 * becomes. The conditional update makes it single use even when two requests race with one code.
 */
export async function acceptTotpCode(
  { db, secrets }: TotpDeps,
  userId: string,
  code: string,
  now: number,
): Promise<boolean> {
  const row = await db
    .selectFrom('user_totp')
    .select(['secret_sealed', 'last_time_step'])
    .where('user_id', '=', userId)
    .where('enabled_at', 'is not', null)
    .executeTakeFirst();
  if (!row) return false;
  const lastTimeStep = row.last_time_step === null ? null : Number(row.last_time_step);
  const timeStep = await matchTotpCode(openSecret(secrets, userId, row.secret_sealed), code, now, lastTimeStep);
  if (timeStep === undefined) return false;
  const result = await db
    .updateTable('user_totp')
    .set({ last_time_step: timeStep })
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('last_time_step', 'is', null), eb('last_time_step', '<', timeStep)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Marks an unused recovery code of the user used; true when it was one. Single use, race-safe. */
export async function acceptRecoveryCode(
  db: Kysely<ServerDatabase>,
  userId: string,
  code: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('recovery_codes')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('code_hash', '=', hashRecoveryCode(code))
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function remainingRecoveryCodes(db: Kysely<ServerDatabase>, userId: string): Promise<number> {
  const row = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * Turns 2FA off: the secret and every recovery code go, together. Given a transaction (an admin's
 * reset, which revokes sessions and records the event with it) it joins that one.
 */
export async function removeSecondFactor(db: Kysely<ServerDatabase>, userId: string): Promise<void> {
  const remove = async (trx: Kysely<ServerDatabase>): Promise<void> => {
    await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    await trx.deleteFrom('user_totp').where('user_id', '=', userId).execute();
  };
  if (db.isTransaction) return remove(db);
  await db.transaction().execute(remove);
}
