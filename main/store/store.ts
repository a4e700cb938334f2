import type { Migration } from './migrations/migration.js';
import { MIGRATIONS } from './migrations/index.js';
import { migrate } from './migrator.js';
import { AccountsRepository } from './repositories/accounts-repository.js';
import { AttachmentsRepository } from './repositories/attachments-repository.js';
import { BlocklistRepository } from './repositories/blocklist-repository.js';
import { CrmRepository } from './repositories/crm-repository.js';
import { DealsRepository } from './repositories/deals-repository.js';
import { RecordsRepository } from './repositories/records-repository.js';
import { ReportsRepository } from './repositories/reports-repository.js';
import { ImageSendersRepository } from './repositories/image-senders-repository.js';
import { MailRepository } from './repositories/mail-repository.js';
import { MergeRepository } from './repositories/merge-repository.js';
import { CsvRepository } from './repositories/csv-repository.js';
import { DuplicatesRepository } from './repositories/duplicates-repository.js';
import { MessageReadRepository } from './repositories/message-read-repository.js';
import { NotesRepository } from './repositories/notes-repository.js';
import { SearchRepository } from './repositories/search-repository.js';
import { SecretsRepository } from './repositories/secrets-repository.js';
import { SyncHealthRepository } from './repositories/sync-health-repository.js';
import { SettingsRepository } from './repositories/settings-repository.js';
import { TasksRepository } from './repositories/tasks-repository.js';
import { TeamRepository } from './repositories/team-repository.js';
import { TimelineRepository } from './repositories/timeline-repository.js';
import { FieldSealer } from './sealing.js';
import { openEncryptedDatabase, type Db } from './sqlcipher.js';

export type StoreKeys = { databaseKey: Buffer; fieldKey: Buffer };

/**
 * The profile's encrypted store. It lives only in the core process, which is its single
 * writer; everything else reaches it through typed repository calls.
 */
export class Store {
  private readonly sealer: FieldSealer;
  private readonly repositories = new Map<string, unknown>();

  private constructor(
    readonly db: Db,
    keys: StoreKeys,
  ) {
    this.sealer = new FieldSealer(keys.fieldKey);
  }

  // Repositories prepare their statements on first use: a store opened at an older schema
  // (migration tests) must not fail on tables it does not have yet.
  get settings(): SettingsRepository {
    return this.repository('settings', () => new SettingsRepository(this.db));
  }
  get secrets(): SecretsRepository {
    return this.repository('secrets', () => new SecretsRepository(this.db, this.sealer));
  }
  get accounts(): AccountsRepository {
    return this.repository('accounts', () => new AccountsRepository(this.db));
  }
  get mail(): MailRepository {
    return this.repository('mail', () => new MailRepository(this.db));
  }
  get messages(): MessageReadRepository {
    return this.repository('messages', () => new MessageReadRepository(this.db));
  }
  get attachments(): AttachmentsRepository {
    return this.repository('attachments', () => new AttachmentsRepository(this.db));
  }
  get search(): SearchRepository {
    return this.repository('search', () => new SearchRepository(this.db));
  }
  get crm(): CrmRepository {
    return this.repository('crm', () => new CrmRepository(this.db));
  }
  get records(): RecordsRepository {
    return this.repository('records', () => new RecordsRepository(this.db));
  }
  get reports(): ReportsRepository {
    return this.repository('reports', () => new ReportsRepository(this.db));
  }
  get blocklist(): BlocklistRepository {
    return this.repository('blocklist', () => new BlocklistRepository(this.db));
  }
  get deals(): DealsRepository {
    return this.repository('deals', () => new DealsRepository(this.db));
  }
  get notes(): NotesRepository {
    return this.repository('notes', () => new NotesRepository(this.db));
  }
  get tasks(): TasksRepository {
    return this.repository('tasks', () => new TasksRepository(this.db));
  }
  get timeline(): TimelineRepository {
    return this.repository('timeline', () => new TimelineRepository(this.db));
  }
  get merges(): MergeRepository {
    return this.repository('merges', () => new MergeRepository(this.db));
  }
  get duplicates(): DuplicatesRepository {
    return this.repository('duplicates', () => new DuplicatesRepository(this.db));
  }
  get csv(): CsvRepository {
    return this.repository('csv', () => new CsvRepository(this.db));
  }
  get imageSenders(): ImageSendersRepository {
    return this.repository('imageSenders', () => new ImageSendersRepository(this.db));
  }
  get syncHealth(): SyncHealthRepository {
    return this.repository('syncHealth', () => new SyncHealthRepository(this.db));
  }
  get team(): TeamRepository {
    return this.repository('team', () => new TeamRepository(this.db));
  }

  private repository<T>(name: string, create: () => T): T {
    if (!this.repositories.has(name)) this.repositories.set(name, create());
    return this.repositories.get(name) as T;
  }

  static open(path: string, keys: StoreKeys, options: { create: boolean; migrations?: readonly Migration[] }): Store {
    const db = openEncryptedDatabase(path, keys.databaseKey, { create: options.create });
    try {
      migrate(db, options.migrations ?? MIGRATIONS);
      return new Store(db, keys);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
