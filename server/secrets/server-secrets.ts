import type { Result } from '../../common/result.js';
import { fail, ok } from '../../common/result.js';
import { openWith, parseSealed, sealWith, type SealedPlace } from './sealed-value.js';
import type { ServerKey } from './server-key.js';

export type { SealedPlace } from './sealed-value.js';

/**
 * The facility every feature uses to keep a secret in the database: `seal` before writing it,
 * `open` after reading it, both with the place (table, column, row id) the value lives in.
 * Seals with the current key; opens with whichever known key the value names (the server knows
 * only its current key; `secrets rotate` also knows the previous one).
 */
export class ServerSecrets {
  private readonly keys: ReadonlyMap<string, ServerKey>;

  constructor(
    readonly current: ServerKey,
    older: readonly ServerKey[] = [],
  ) {
    this.keys = new Map([...older, current].map((key) => [key.id, key]));
  }

  /** The id of the key new values are sealed with. */
  get keyId(): string {
    return this.current.id;
  }

  knows(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  seal(plaintext: string, place: SealedPlace): string {
    return sealWith(this.current, plaintext, place);
  }

  /**
   * SERVER_KEY_MISMATCH when the value names a key this server does not have, SEALED_VALUE_INVALID
   * when it is not a sealed value or does not open here (tampered, or copied from another place).
   */
  open(sealed: string, place: SealedPlace): Result<string> {
    const where = `${place.table}.${place.column} of ${place.rowId}`;
    const parts = parseSealed(sealed);
    if (!parts) return fail({ code: 'SEALED_VALUE_INVALID', message: `The value in ${where} is not a sealed value.` });
    const key = this.keys.get(parts.keyId);
    if (!key) {
      return fail({
        code: 'SERVER_KEY_MISMATCH',
        message: `The value in ${where} is sealed with server key ${parts.keyId}, but this server has key ${this.keyId}.`,
      });
    }
    const plaintext = openWith(key, parts, place);
    if (plaintext === undefined) {
      return fail({
        code: 'SEALED_VALUE_INVALID',
        message: `The value in ${where} does not open with server key ${parts.keyId}: it was altered or belongs to another place.`,
      });
    }
    return ok(plaintext);
  }
}
