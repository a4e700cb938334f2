import type { AccountKind, AccountSummary } from '../../../common/domain/mail.js';
import type { Db } from '../sqlcipher.js';

export type AccountRecord = {
  id: string;
  kind: AccountKind;
  email: string;
  displayName: string;
  config: Record<string, unknown>;
  createdAt: string;
};

type Row = { id: string; kind: AccountKind; email: string; display_name: string; config: string; created_at: string };

export class AccountsRepository {
  private readonly insertRow;
  private readonly selectAll;
  private readonly selectOne;
  private readonly deleteRow;
  private readonly updateRow;

  constructor(db: Db) {
    this.insertRow = db.prepare<[string, string, string, string, string, string]>(
      'INSERT INTO accounts (id, kind, email, display_name, config, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.selectAll = db.prepare<[], Row>('SELECT * FROM accounts ORDER BY created_at');
    this.selectOne = db.prepare<[string], Row>('SELECT * FROM accounts WHERE id = ?');
    this.deleteRow = db.prepare<[string]>('DELETE FROM accounts WHERE id = ?');
    this.updateRow = db.prepare<[string, string, string]>(
      'UPDATE accounts SET display_name = ?, config = ? WHERE id = ?',
    );
  }

  insert(account: AccountRecord): void {
    this.insertRow.run(
      account.id,
      account.kind,
      account.email,
      account.displayName,
      JSON.stringify(account.config),
      account.createdAt,
    );
  }

  list(): AccountRecord[] {
    return this.selectAll.all().map(toRecord);
  }

  get(id: string): AccountRecord | null {
    const row = this.selectOne.get(id);
    return row ? toRecord(row) : null;
  }

  update(account: AccountRecord): void {
    this.updateRow.run(account.displayName, JSON.stringify(account.config), account.id);
  }

  delete(id: string): boolean {
    return this.deleteRow.run(id).changes > 0;
  }
}

function toRecord(row: Row): AccountRecord {
  return {
    id: row.id,
    kind: row.kind,
    email: row.email,
    displayName: row.display_name,
    config: JSON.parse(row.config) as Record<string, unknown>,
    createdAt: row.created_at,
  };
}

export function toSummary(account: AccountRecord): AccountSummary {
  const { host, port, security, user, caCertPem } = account.config;
  return {
    id: account.id,
    kind: account.kind,
    email: account.email,
    displayName: account.displayName,
    host: typeof host === 'string' ? host : null,
    port: typeof port === 'number' ? port : null,
    security: security === 'tls' || security === 'starttls' ? security : null,
    user: typeof user === 'string' ? user : null,
    hasCustomCertificate: typeof caCertPem === 'string' && caCertPem.length > 0,
    createdAt: account.createdAt,
  };
}
