import type { Db } from '../sqlcipher.js';

/** The senders whose remote images are shown (migration 0011), by lower-cased address. */
export class ImageSendersRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      has: db.prepare<[string], number>('SELECT 1 FROM image_senders WHERE address = ?').pluck(),
      allow: db.prepare<[string, string]>(
        'INSERT INTO image_senders (address, allowed_at) VALUES (?, ?) ON CONFLICT (address) DO NOTHING',
      ),
      forget: db.prepare<[string]>('DELETE FROM image_senders WHERE address = ?'),
    };
  }

  allowed(address: string | null | undefined): boolean {
    const key = normalize(address);
    return key !== null && this.s.has.get(key) === 1;
  }

  set(address: string, allowed: boolean, now = new Date()): boolean {
    const key = normalize(address);
    if (key === null) return false;
    if (allowed) this.s.allow.run(key, now.toISOString());
    else this.s.forget.run(key);
    return allowed;
  }
}

function normalize(address: string | null | undefined): string | null {
  const key = address?.trim().toLowerCase() ?? '';
  return key === '' ? null : key;
}
