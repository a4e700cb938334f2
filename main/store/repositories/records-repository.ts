import type { ContactSummary } from '../../../common/domain/crm.js';
import {
  COMPANY_CONTACTS_SHOWN,
  type CompanyDetail,
  type RecordHit,
  type UpdateCompanyInput,
  type UpdateContactInput,
} from '../../../common/domain/records.js';
import type { Db } from '../sqlcipher.js';
import { toCompanySummary, type CompanySummaryRow } from './crm-repository.js';

type CompanyRow = CompanySummaryRow & {
  source: 'mail' | 'manual';
  custom_fields: string;
  updated_at: string;
};

type PersonRow = {
  id: number;
  name: string;
  source: 'mail' | 'manual';
  last_activity_at: string | null;
  email: string | null;
};

/**
 * The record pages' reads and edits (a contact's or company's own fields) and the record search.
 * The linker's writes stay in CrmRepository; the one rule shared with it: a name the user typed
 * clears name_derived, so no display name seen later replaces it.
 */
export class RecordsRepository {
  private readonly statements;

  constructor(private readonly db: Db) {
    this.statements = {
      company: db.prepare<[number], CompanyRow>(
        `SELECT co.id, co.domain, co.name, co.owner, co.source, co.custom_fields, co.created_at, co.updated_at,
           (SELECT count(*) FROM contact_companies cc WHERE cc.company_id = co.id) AS contacts
         FROM companies co WHERE co.id = ?`,
      ),
      people: db.prepare<[number, number], PersonRow>(
        `SELECT c.id, c.name, c.source, c.last_activity_at,
           (SELECT min(address) FROM contact_emails e WHERE e.contact_id = c.id) AS email
         FROM contact_companies cc JOIN contacts c ON c.id = cc.contact_id
         WHERE cc.company_id = ?
         ORDER BY coalesce(c.last_activity_at, '') DESC, c.id DESC LIMIT ?`,
      ),
      contactExists: db.prepare<[number], { id: number }>('SELECT id FROM contacts WHERE id = ?'),
    };
  }

  /** Applies the given fields; false when there is no such contact. */
  updateContact(input: UpdateContactInput, now: string): boolean {
    const { sets, params, set } = assignments();
    if (input.name !== undefined) {
      set('name', input.name);
      set('name_derived', 0);
    }
    if (input.phones !== undefined) set('phones', JSON.stringify(input.phones));
    if (input.title !== undefined) set('title', input.title);
    if (input.owner !== undefined) set('owner', input.owner);
    if (input.lifecycleStage !== undefined) set('lifecycle_stage', input.lifecycleStage);
    if (input.customFields !== undefined) set('custom_fields', JSON.stringify(input.customFields));
    if (sets.length === 0) return this.statements.contactExists.get(input.id) !== undefined;
    set('updated_at', now);
    params.push(input.id);
    return this.db.prepare(`UPDATE contacts SET ${sets.join(', ')} WHERE id = ?`).run(...params).changes > 0;
  }

  getCompany(id: number): CompanyDetail | null {
    const row = this.statements.company.get(id);
    if (!row) return null;
    return {
      ...toCompanySummary(row),
      updatedAt: row.updated_at,
      source: row.source,
      customFields: JSON.parse(row.custom_fields) as Record<string, unknown>,
      people: this.statements.people.all(id, COMPANY_CONTACTS_SHOWN).map((person) => toPerson(person, row)),
    };
  }

  /** Applies the given fields; false when there is no such company. */
  updateCompany(input: UpdateCompanyInput, now: string): boolean {
    const { sets, params, set } = assignments();
    if (input.name !== undefined) set('name', input.name);
    if (input.owner !== undefined) set('owner', input.owner);
    if (input.customFields !== undefined) set('custom_fields', JSON.stringify(input.customFields));
    set('updated_at', now);
    params.push(input.id);
    return this.db.prepare(`UPDATE companies SET ${sets.join(', ')} WHERE id = ?`).run(...params).changes > 0;
  }

  /**
   * Contacts, companies and deals whose name (or a word of it), address or domain starts with
   * `query`, case-insensitively: contacts by latest activity, then companies and deals by name.
   */
  searchRecords(query: string, limit: number): RecordHit[] {
    const term = query.trim().toLowerCase();
    if (!term) return [];
    const prefix = `${escapeLike(term)}%`;
    const word = `% ${escapeLike(term)}%`;
    const contacts = this.db
      .prepare<[string, string, string, number], { id: number; name: string; email: string | null }>(
        `SELECT c.id, c.name, (SELECT min(address) FROM contact_emails e WHERE e.contact_id = c.id) AS email
         FROM contacts c
         WHERE lower(c.name) LIKE ? ESCAPE '\\' OR lower(c.name) LIKE ? ESCAPE '\\'
           OR c.id IN (SELECT contact_id FROM contact_emails WHERE address LIKE ? ESCAPE '\\')
         ORDER BY coalesce(c.last_activity_at, '') DESC, c.id DESC LIMIT ?`,
      )
      .all(prefix, word, prefix, limit)
      .map((row): RecordHit => ({ type: 'contact', id: row.id, name: row.name, detail: row.email }));
    const companies = this.db
      .prepare<[string, string, string, number], { id: number; name: string; domain: string }>(
        `SELECT id, name, domain FROM companies
         WHERE lower(name) LIKE ? ESCAPE '\\' OR lower(name) LIKE ? ESCAPE '\\' OR domain LIKE ? ESCAPE '\\'
         ORDER BY name COLLATE NOCASE, id LIMIT ?`,
      )
      .all(prefix, word, prefix, limit)
      .map((row): RecordHit => ({ type: 'company', id: row.id, name: row.name, detail: row.domain }));
    return [...contacts, ...companies, ...this.searchDeals(prefix, word, limit)];
  }

  /** Deals come with helper A's table; until it exists there are none to find. */
  private searchDeals(prefix: string, word: string, limit: number): RecordHit[] {
    const table = this.db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'deals'")
      .get();
    if (!table) return [];
    return this.db
      .prepare<[string, string, number], { id: number; name: string }>(
        `SELECT id, name FROM deals
         WHERE lower(name) LIKE ? ESCAPE '\\' OR lower(name) LIKE ? ESCAPE '\\'
         ORDER BY name COLLATE NOCASE, id LIMIT ?`,
      )
      .all(prefix, word, limit)
      .map((row): RecordHit => ({ type: 'deal', id: row.id, name: row.name, detail: null }));
  }
}

function toPerson(row: PersonRow, company: CompanyRow): ContactSummary {
  return {
    id: row.id,
    name: row.name,
    email: row.email ?? '',
    company: { id: company.id, name: company.name, domain: company.domain },
    source: row.source,
    lastActivityAt: row.last_activity_at,
  };
}

/** The SET list of an UPDATE built from the fields given (column names are ours, never the caller's). */
function assignments(): {
  sets: string[];
  params: (string | number | null)[];
  set: (column: string, value: string | number | null) => void;
} {
  const sets: string[] = [];
  const params: (string | number | null)[] = [];
  return {
    sets,
    params,
    set: (column, value) => {
      sets.push(`${column} = ?`);
      params.push(value);
    },
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
