import type Database from 'better-sqlite3-multiple-ciphers';
import type { Db } from '../sqlcipher.js';

/** A contact as the CSV export writes it. */
export type ContactExportRow = {
  id: number;
  name: string;
  emails: string;
  phones: string;
  title: string | null;
  owner: string | null;
  lifecycle_stage: string | null;
  company: string | null;
  company_domain: string | null;
  last_activity_at: string | null;
  created_at: string;
};

export type CompanyExportRow = {
  id: number;
  name: string;
  domain: string;
  owner: string | null;
  contacts: number;
  created_at: string;
};

/** The contact fields an import writes (null: the row gives no value). */
export type ContactImportRecord = {
  email: string;
  /** More addresses for the contact; one that belongs to another contact stays with it. */
  otherEmails: string[];
  name: string | null;
  nameFromAddress: string;
  phones: string[];
  title: string | null;
  owner: string | null;
  lifecycleStage: string | null;
  /** The company to link: found by domain, else made with this domain and name. */
  company: { domain: string; name: string } | null;
};

export type CompanyImportRecord = { domain: string; name: string; owner: string | null };

/** Reads for CSV exports and the writes of CSV imports (one transaction per import). */
export class CsvRepository {
  private readonly statements = new Map<string, unknown>();

  constructor(private readonly db: Db) {}

  /** Each statement prepared once: an import runs them for every row (measured on 30,000 rows: 6.3 s → 1.4 s). */
  private prepared<P extends unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    let statement = this.statements.get(sql) as Database.Statement<P, R> | undefined;
    if (!statement) {
      statement = this.db.prepare<P, R>(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Every contact, by id, streamed (a 50,000-contact export never holds two copies of the rows). */
  contacts(): IterableIterator<ContactExportRow> {
    return this.db
      .prepare<[], ContactExportRow>(
        `SELECT c.id, c.name,
           (SELECT group_concat(address, '; ') FROM (SELECT address FROM contact_emails e
              WHERE e.contact_id = c.id ORDER BY address)) AS emails,
           (SELECT coalesce(group_concat(j.value, '; '), '') FROM json_each(c.phones) j) AS phones,
           c.title, c.owner, c.lifecycle_stage, co.name AS company, co.domain AS company_domain,
           c.last_activity_at, c.created_at
         FROM contacts c LEFT JOIN companies co ON co.id = (
           SELECT min(company_id) FROM contact_companies cc WHERE cc.contact_id = c.id)
         ORDER BY c.id`,
      )
      .iterate();
  }

  companies(): IterableIterator<CompanyExportRow> {
    return this.db
      .prepare<[], CompanyExportRow>(
        `SELECT co.id, co.name, co.domain, co.owner, co.created_at,
           (SELECT count(*) FROM contact_companies cc WHERE cc.company_id = co.id) AS contacts
         FROM companies co ORDER BY co.id`,
      )
      .iterate();
  }

  contactIdByAddress(address: string): number | null {
    return (
      this.prepared<[string], { contact_id: number }>('SELECT contact_id FROM contact_emails WHERE address = ?').get(
        address,
      )?.contact_id ?? null
    );
  }

  companyIdByDomain(domain: string): number | null {
    return this.prepared<[string], { id: number }>('SELECT id FROM companies WHERE domain = ?').get(domain)?.id ?? null;
  }

  /** Runs an import's writes in one transaction: all rows or none. */
  inTransaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  /** A new contact (source 'manual') with its address and company; returns its id. */
  insertContact(record: ContactImportRecord, now: string): number {
    const id = Number(
      this.prepared<[string, number, string, string | null, string | null, string | null, string, string]>(
        `INSERT INTO contacts (name, name_derived, phones, title, owner, lifecycle_stage, source, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, 'manual', ?, ?)`,
      ).run(
        record.name ?? record.nameFromAddress,
        record.name ? 0 : 1,
        JSON.stringify(record.phones),
        record.title,
        record.owner,
        record.lifecycleStage,
        now,
        now,
      ).lastInsertRowid,
    );
    this.addEmails(id, [record.email, ...record.otherEmails]);
    this.prepared<[number, number]>(
      `UPDATE contacts SET last_activity_at = (SELECT max(m.date) FROM message_contacts l JOIN messages m
           ON m.id = l.message_id WHERE l.contact_id = ?) WHERE id = ?`,
    ).run(id, id);
    if (record.company) this.linkCompany(id, record.company, now);
    return id;
  }

  /** The row's values replace the contact's (phones are added); fields the row leaves empty stay. */
  updateContact(id: number, record: ContactImportRecord, now: string): void {
    const current = this.prepared<[number], { phones: string }>('SELECT phones FROM contacts WHERE id = ?').get(id);
    if (!current) return;
    const phones = JSON.parse(current.phones) as string[];
    for (const phone of record.phones) if (!phones.includes(phone)) phones.push(phone);
    this.prepared<[string | null, string | null, string, string | null, string | null, string | null, string, number]>(
      `UPDATE contacts SET name = coalesce(?, name), name_derived = CASE WHEN ? IS NULL THEN name_derived ELSE 0 END,
           phones = ?, title = coalesce(?, title), owner = coalesce(?, owner),
           lifecycle_stage = coalesce(?, lifecycle_stage), updated_at = ? WHERE id = ?`,
    ).run(record.name, record.name, JSON.stringify(phones), record.title, record.owner, record.lifecycleStage, now, id);
    this.addEmails(id, record.otherEmails);
    if (record.company) this.linkCompany(id, record.company, now);
  }

  insertCompany(record: CompanyImportRecord, now: string): number {
    return Number(
      this.prepared<[string, string, string | null, string, string]>(
        `INSERT INTO companies (domain, name, owner, source, created_at, updated_at) VALUES (?, ?, ?, 'manual', ?, ?)`,
      ).run(record.domain, record.name, record.owner, now, now).lastInsertRowid,
    );
  }

  updateCompany(id: number, record: { name: string | null; owner: string | null }, now: string): void {
    this.prepared<[string | null, string | null, string, number]>(
      'UPDATE companies SET name = coalesce(?, name), owner = coalesce(?, owner), updated_at = ? WHERE id = ?',
    ).run(record.name, record.owner, now, id);
  }

  /** Adds addresses no other contact has, with the mail already synced from or to them. */
  private addEmails(id: number, addresses: string[]): void {
    const add = this.prepared<[string, number]>(
      'INSERT INTO contact_emails (address, contact_id) VALUES (?, ?) ON CONFLICT (address) DO NOTHING',
    );
    const link = this.prepared<[number, string]>(
      `INSERT OR IGNORE INTO message_contacts (message_id, contact_id, role)
       SELECT message_id, ?, role FROM message_participants WHERE address = ?`,
    );
    for (const address of addresses) if (add.run(address, id).changes === 1) link.run(id, address);
  }

  private linkCompany(contactId: number, company: { domain: string; name: string }, now: string): void {
    const companyId =
      this.companyIdByDomain(company.domain) ??
      this.insertCompany({ domain: company.domain, name: company.name, owner: null }, now);
    this.prepared<[number, number]>(
      'INSERT OR IGNORE INTO contact_companies (contact_id, company_id) VALUES (?, ?)',
    ).run(contactId, companyId);
  }
}
