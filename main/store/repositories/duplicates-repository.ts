import type { Db } from '../sqlcipher.js';

/** The raw material duplicate detection groups (main/crm/merge/duplicate-groups.ts). */
export class DuplicatesRepository {
  constructor(private readonly db: Db) {}

  /** Contacts sharing a name the mail or the user gave (names made from addresses say nothing). */
  contactsWithSameName(limit: number): { name: string; ids: number[] }[] {
    return this.db
      .prepare<[number], { name: string; ids: string }>(
        `SELECT min(name) AS name, group_concat(id) AS ids FROM contacts WHERE name_derived = 0
         GROUP BY name COLLATE NOCASE HAVING count(*) > 1
         ORDER BY max(coalesce(last_activity_at, '')) DESC LIMIT ?`,
      )
      .all(limit)
      .map(toGroup);
  }

  /** Every phone number of every contact that has one. */
  contactPhones(): { id: number; phone: string }[] {
    return this.db
      .prepare<[], { id: number; phone: string }>(
        `SELECT c.id, j.value AS phone FROM contacts c, json_each(c.phones) j
         WHERE c.phones != '[]' AND j.type = 'text' ORDER BY c.id`,
      )
      .all();
  }

  /** Every address of every contact. */
  contactAddresses(): { id: number; address: string }[] {
    return this.db
      .prepare<[], { id: number; address: string }>(
        'SELECT contact_id AS id, address FROM contact_emails ORDER BY contact_id',
      )
      .all();
  }

  companiesWithSameName(limit: number): { name: string; ids: number[] }[] {
    return this.db
      .prepare<[number], { name: string; ids: string }>(
        `SELECT min(name) AS name, group_concat(id) AS ids FROM companies
         GROUP BY name COLLATE NOCASE HAVING count(*) > 1 ORDER BY name COLLATE NOCASE LIMIT ?`,
      )
      .all(limit)
      .map(toGroup);
  }

  companyDomains(): { id: number; domain: string }[] {
    return this.db.prepare<[], { id: number; domain: string }>('SELECT id, domain FROM companies ORDER BY id').all();
  }
}

/** group_concat's order is unspecified: oldest record (lowest id) first, the one a merge keeps by default. */
function toGroup(row: { name: string; ids: string }): { name: string; ids: number[] } {
  return {
    name: row.name,
    ids: row.ids
      .split(',')
      .map(Number)
      .sort((a, b) => a - b),
  };
}
