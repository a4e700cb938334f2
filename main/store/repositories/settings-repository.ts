import { DEFAULT_SETTINGS, Settings } from '../../../common/domain/profile.js';
import type { Db } from '../sqlcipher.js';

/** Settings are stored one JSON value per key so that adding a setting needs no migration. */
export class SettingsRepository {
  private readonly selectAll;
  private readonly upsert;

  constructor(private readonly db: Db) {
    this.selectAll = db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings');
    this.upsert = db.prepare<[string, string]>(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
  }

  read(): Settings {
    const stored: Record<string, unknown> = {};
    for (const row of this.selectAll.all()) stored[row.key] = JSON.parse(row.value);
    // Unknown or invalid stored values fall back to defaults rather than breaking the app.
    const merged = { ...DEFAULT_SETTINGS, ...stored };
    const parsed = Settings.safeParse(merged);
    return parsed.success ? parsed.data : DEFAULT_SETTINGS;
  }

  update(patch: Partial<Settings>): Settings {
    const write = this.db.transaction((entries: [string, unknown][]) => {
      for (const [key, value] of entries) this.upsert.run(key, JSON.stringify(value));
    });
    write(Object.entries(patch).filter(([, value]) => value !== undefined));
    return this.read();
  }
}
