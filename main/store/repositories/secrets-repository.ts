import type { FieldSealer } from '../sealing.js';
import type { Db } from '../sqlcipher.js';

/** Named secrets (mail passwords, OAuth tokens, server sessions), sealed field by field. */
export class SecretsRepository {
  private readonly selectOne;
  private readonly upsert;
  private readonly remove;

  constructor(
    db: Db,
    private readonly sealer: FieldSealer,
  ) {
    this.selectOne = db.prepare<[string], { sealed: Buffer }>('SELECT sealed FROM secrets WHERE name = ?');
    this.upsert = db.prepare<[string, Buffer, string]>(
      `INSERT INTO secrets (name, sealed, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(name) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at`,
    );
    this.remove = db.prepare<[string]>('DELETE FROM secrets WHERE name = ?');
  }

  put(name: string, plaintext: string): void {
    this.upsert.run(name, this.sealer.seal(plaintext, contextFor(name)), new Date().toISOString());
  }

  get(name: string): string | null {
    const row = this.selectOne.get(name);
    return row ? this.sealer.open(row.sealed, contextFor(name)) : null;
  }

  delete(name: string): boolean {
    return this.remove.run(name).changes > 0;
  }
}

function contextFor(name: string): string {
  return `clientele:secret:${name}`;
}
