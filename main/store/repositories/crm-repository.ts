import type {
  AutoCreateSetting,
  CompanyPage,
  CompanySummary,
  ContactDetail,
  ContactMode,
  ContactPage,
  ContactSummary,
  LinkExplanation,
  ParticipantRole,
} from '../../../common/domain/crm.js';
import type { Db } from '../sqlcipher.js';
import { decodeCursor, encodeCursor } from './keyset-cursor.js';
import type { Address } from './mail-repository.js';

/** A queued message with what the linking rules read of it. */
export type LinkableMessage = {
  id: number;
  accountId: string;
  date: string;
  direction: 'sent' | 'received';
  participants: { role: ParticipantRole; address: Address }[];
  repliesToSent: boolean;
  listId: string | null;
  listUnsubscribe: string | null;
  precedence: string | null;
  autoSubmitted: string | null;
};

export type AccountLinkSettings = { email: string; mode: ContactMode; ownAddresses: string[] };

/** One address's decision, as the linker writes it. */
export type DecisionRecord = {
  address: string;
  displayName: string;
  role: ParticipantRole;
  create: boolean;
  rule: string;
  explanation: string;
  company: { create: boolean; rule: string; explanation: string; domain: string; name?: string } | null;
};

type QueuedRow = {
  id: number;
  account_id: string;
  date: string;
  direction: 'sent' | 'received';
  from_json: string;
  to_json: string;
  cc_json: string;
  bcc_json: string;
  list_id: string | null;
  list_unsubscribe: string | null;
  precedence: string | null;
  auto_submitted: string | null;
  replies_to_sent: number;
};

type ContactRow = {
  id: number;
  name: string;
  email: string;
  source: 'mail' | 'manual';
  last_activity_at: string | null;
  company_id: number | null;
  company_name: string | null;
  company_domain: string | null;
};

const CONTACT_COLUMNS = `c.id, c.name, c.source, c.last_activity_at,
  (SELECT min(address) FROM contact_emails e WHERE e.contact_id = c.id) AS email,
  co.id AS company_id, co.name AS company_name, co.domain AS company_domain`;
const COMPANY_JOIN = `LEFT JOIN companies co ON co.id = (
  SELECT min(company_id) FROM contact_companies cc WHERE cc.contact_id = c.id)`;

/** Contacts, companies and the links the mail makes between them and the messages. */
export class CrmRepository {
  private readonly statements;

  constructor(private readonly db: Db) {
    this.statements = {
      queued: db.prepare<[number, number], QueuedRow>(
        `SELECT m.id, m.account_id, m.date, m.direction, m.from_json, m.to_json, m.cc_json, m.bcc_json,
           m.list_id, m.list_unsubscribe, m.precedence, m.auto_submitted,
           EXISTS (
             SELECT 1 FROM message_refs r JOIN messages s ON s.account_id = r.account_id AND s.message_id = r.ref_id
             WHERE r.message = m.id AND s.direction = 'sent'
           ) AS replies_to_sent
         FROM crm_link_queue q JOIN messages m ON m.id = q.message_id
         WHERE q.message_id >= ? ORDER BY q.message_id LIMIT ?`,
      ),
      dequeue: db.prepare<[number]>('DELETE FROM crm_link_queue WHERE message_id = ?'),
      queueSize: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM crm_link_queue'),
      requeueReplies: db.prepare<[number]>(
        `INSERT OR IGNORE INTO crm_link_queue (message_id)
         SELECT r.message FROM messages s JOIN message_refs r ON r.account_id = s.account_id AND r.ref_id = s.message_id
         WHERE s.id = ? AND s.message_id IS NOT NULL`,
      ),
      requeueAccount: db.prepare<[string]>(
        'INSERT OR IGNORE INTO crm_link_queue (message_id) SELECT id FROM messages WHERE account_id = ?',
      ),
      account: db.prepare<[string], { email: string; contact_mode: ContactMode }>(
        'SELECT email, contact_mode FROM accounts WHERE id = ?',
      ),
      ownAddresses: db.prepare<[string], { address: string }>('SELECT address FROM own_addresses WHERE account_id = ?'),
      addOwnAddress: db.prepare<[string, string]>(
        'INSERT OR IGNORE INTO own_addresses (account_id, address) VALUES (?, ?)',
      ),
      modes: db.prepare<[], { id: string; email: string; contact_mode: ContactMode }>(
        'SELECT id, email, contact_mode FROM accounts ORDER BY created_at',
      ),
      setMode: db.prepare<[ContactMode, string]>('UPDATE accounts SET contact_mode = ? WHERE id = ?'),
      participant: db.prepare<[string, number, string]>(
        'INSERT OR IGNORE INTO message_participants (address, message_id, role) VALUES (?, ?, ?)',
      ),
      contactOf: db.prepare<[string], { id: number; name_derived: number; last_activity_at: string | null }>(
        `SELECT c.id, c.name_derived, c.last_activity_at FROM contact_emails e JOIN contacts c ON c.id = e.contact_id
         WHERE e.address = ?`,
      ),
      insertContact: db.prepare<[string, number, string | null, string, string]>(
        `INSERT INTO contacts (name, name_derived, source, last_activity_at, created_at, updated_at)
         VALUES (?, ?, 'mail', ?, ?, ?)`,
      ),
      insertEmail: db.prepare<[string, number]>('INSERT INTO contact_emails (address, contact_id) VALUES (?, ?)'),
      renameContact: db.prepare<[string, string, number]>(
        'UPDATE contacts SET name = ?, name_derived = 0, updated_at = ? WHERE id = ? AND name_derived = 1',
      ),
      touchContact: db.prepare<[string, number]>(
        // max() of text dates: ISO strings sort by time.
        `UPDATE contacts SET last_activity_at = max(coalesce(last_activity_at, ''), ?) WHERE id = ?`,
      ),
      linkOlderMail: db.prepare<[number, string]>(
        `INSERT OR IGNORE INTO message_contacts (message_id, contact_id, role)
         SELECT message_id, ?, role FROM message_participants WHERE address = ?`,
      ),
      latestActivity: db.prepare<[number], { date: string | null }>(
        `SELECT max(m.date) AS date FROM message_contacts l JOIN messages m ON m.id = l.message_id WHERE l.contact_id = ?`,
      ),
      linkMessage: db.prepare<[number, number, string]>(
        'INSERT OR IGNORE INTO message_contacts (message_id, contact_id, role) VALUES (?, ?, ?)',
      ),
      insertCompany: db.prepare<[string, string, string, string]>(
        `INSERT INTO companies (domain, name, source, created_at, updated_at) VALUES (?, ?, 'mail', ?, ?)
         ON CONFLICT (domain) DO NOTHING`,
      ),
      companyId: db.prepare<[string], { id: number }>('SELECT id FROM companies WHERE domain = ?'),
      linkCompany: db.prepare<[number, number]>(
        'INSERT OR IGNORE INTO contact_companies (contact_id, company_id) VALUES (?, ?)',
      ),
      // A creation outranks any skip; between equals the earliest message wins, so relinking the
      // same mail in any order writes the same row.
      decision: db.prepare<[string, number, string, string, string | null, string | null, string, number, string]>(
        `INSERT INTO link_decisions (address, created, rule, explanation, company_rule, company_explanation,
           account_id, message_id, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (address) DO UPDATE SET created = excluded.created, rule = excluded.rule,
           explanation = excluded.explanation, company_rule = excluded.company_rule,
           company_explanation = excluded.company_explanation, account_id = excluded.account_id,
           message_id = excluded.message_id, decided_at = excluded.decided_at
         WHERE excluded.created > link_decisions.created
           OR (excluded.created = link_decisions.created
               AND (link_decisions.message_id IS NULL OR excluded.message_id < link_decisions.message_id))`,
      ),
      blockedDecision: db.prepare<[string, string, string, string]>(
        `INSERT INTO link_decisions (address, created, rule, explanation, decided_at) VALUES (?, 0, ?, ?, ?)
         ON CONFLICT (address) DO UPDATE SET created = 0, rule = excluded.rule, explanation = excluded.explanation,
           company_rule = NULL, company_explanation = NULL, account_id = NULL, message_id = NULL,
           decided_at = excluded.decided_at`,
      ),
      explain: db.prepare<
        [string],
        {
          created: number;
          rule: string;
          explanation: string;
          company_rule: string | null;
          company_explanation: string | null;
          message_id: number | null;
          decided_at: string;
        }
      >('SELECT * FROM link_decisions WHERE address = ?'),
      contactIdOf: db.prepare<[string], { contact_id: number }>(
        'SELECT contact_id FROM contact_emails WHERE address = ?',
      ),
      contact: db.prepare<
        [number],
        ContactRow & {
          phones: string;
          title: string | null;
          owner: string | null;
          lifecycle_stage: string | null;
          custom_fields: string;
          created_at: string;
          updated_at: string;
        }
      >(
        `SELECT ${CONTACT_COLUMNS}, c.phones, c.title, c.owner, c.lifecycle_stage, c.custom_fields,
           c.created_at, c.updated_at
         FROM contacts c ${COMPANY_JOIN} WHERE c.id = ?`,
      ),
      emails: db.prepare<[number], { address: string }>(
        'SELECT address FROM contact_emails WHERE contact_id = ? ORDER BY address',
      ),
      messageCounts: db.prepare<[string, number], { total: number; recent: number }>(
        `SELECT count(DISTINCT l.message_id) AS total,
           count(DISTINCT CASE WHEN m.date >= ? THEN l.message_id END) AS recent
         FROM message_contacts l JOIN messages m ON m.id = l.message_id WHERE l.contact_id = ?`,
      ),
    };
  }

  /** Up to `limit` messages waiting to be linked, oldest id first (from message `from` on). */
  queued(limit: number, from = 0): LinkableMessage[] {
    return this.statements.queued.all(from, limit).map((row) => ({
      id: row.id,
      accountId: row.account_id,
      date: row.date,
      direction: row.direction,
      participants: (['from', 'to', 'cc', 'bcc'] as const).flatMap((role) =>
        (JSON.parse(row[`${role}_json`]) as Address[]).map((address) => ({ role, address })),
      ),
      repliesToSent: row.replies_to_sent === 1,
      listId: row.list_id,
      listUnsubscribe: row.list_unsubscribe,
      precedence: row.precedence,
      autoSubmitted: row.auto_submitted,
    }));
  }

  /** Runs `work` in one transaction (the linker's batch; each message inside is a savepoint). */
  inTransaction(work: () => void): void {
    this.db.transaction(work)();
  }

  /** Takes a message off the queue unlinked (one the linker could not read). */
  dequeue(messageId: number): void {
    this.statements.dequeue.run(messageId);
  }

  queueSize(): number {
    return this.statements.queueSize.get()!.n;
  }

  accountSettings(accountId: string): AccountLinkSettings | null {
    const account = this.statements.account.get(accountId);
    if (!account) return null;
    const own = this.statements.ownAddresses.all(accountId).map((row) => row.address);
    return { email: account.email.toLowerCase(), mode: account.contact_mode, ownAddresses: own };
  }

  autoCreateSettings(): AutoCreateSetting[] {
    return this.statements.modes.all().map((row) => ({ accountId: row.id, email: row.email, mode: row.contact_mode }));
  }

  /** Changes which mail makes contacts and re-decides the account's mail (contacts made stay). */
  setContactMode(accountId: string, mode: ContactMode): boolean {
    return this.db.transaction(() => {
      if (this.statements.setMode.run(mode, accountId).changes === 0) return false;
      this.statements.requeueAccount.run(accountId);
      return true;
    })();
  }

  /**
   * Writes one message's links and decisions and takes it off the queue, in one transaction: a
   * crash leaves the message linked or still queued, never half done.
   */
  linkMessage(message: LinkableMessage, decisions: DecisionRecord[], ownAddresses: string[], now: string): void {
    const s = this.statements;
    this.db.transaction(() => {
      for (const address of ownAddresses) s.addOwnAddress.run(message.accountId, address);
      for (const decision of decisions) {
        const { address } = decision;
        if (decision.rule !== 'invalid-address' && decision.rule !== 'group-address') {
          s.participant.run(address, message.id, decision.role);
        }
        // A blocked address (blocklist, migration 0007): no contact made or linked; its decision
        // stands whatever an earlier one said, until the block is removed.
        if (decision.rule === 'blocked') {
          s.blockedDecision.run(address, decision.rule, decision.explanation, now);
          continue;
        }
        let contact = s.contactOf.get(address);
        if (!contact && decision.create) {
          const named = decision.displayName.trim();
          const id = Number(
            s.insertContact.run(named || nameFromAddress(address), named ? 0 : 1, message.date, now, now)
              .lastInsertRowid,
          );
          s.insertEmail.run(address, id);
          // Mail linked before this address became a contact now belongs to it too.
          s.linkOlderMail.run(id, address);
          s.touchContact.run(s.latestActivity.get(id)?.date ?? message.date, id);
          contact = { id, name_derived: named ? 0 : 1, last_activity_at: message.date };
        }
        if (contact) {
          // A contact gets every message it takes part in, whichever rule decided on this one.
          s.linkMessage.run(message.id, contact.id, decision.role);
          s.touchContact.run(message.date, contact.id);
          if (contact.name_derived === 1 && decision.displayName.trim()) {
            s.renameContact.run(decision.displayName.trim(), now, contact.id);
          }
          if (decision.create && decision.company?.create) {
            s.insertCompany.run(decision.company.domain, decision.company.name ?? decision.company.domain, now, now);
            s.linkCompany.run(contact.id, s.companyId.get(decision.company.domain)!.id);
          }
        }
        s.decision.run(
          address,
          decision.create ? 1 : 0,
          decision.rule,
          decision.explanation,
          decision.company?.rule ?? null,
          decision.company?.explanation ?? null,
          message.accountId,
          message.id,
          now,
        );
      }
      // Sent mail: replies to it that were linked before it may now make their senders contacts.
      if (message.direction === 'sent') s.requeueReplies.run(message.id);
      s.dequeue.run(message.id);
    })();
  }

  explain(rawAddress: string): LinkExplanation {
    const address = rawAddress.trim().toLowerCase();
    const row = this.statements.explain.get(address);
    const contactId = this.statements.contactIdOf.get(address)?.contact_id ?? null;
    if (!row) {
      return {
        address,
        seen: false,
        isContact: contactId !== null,
        contactId,
        rule: 'not-seen',
        explanation:
          contactId !== null
            ? `${address} is a contact added by hand; no synced mail decided about it.`
            : `${address} was not seen in synced mail yet.`,
        companyRule: null,
        companyExplanation: null,
        messageId: null,
        decidedAt: null,
      };
    }
    return {
      address,
      seen: true,
      isContact: contactId !== null,
      contactId,
      rule: row.rule,
      explanation: row.explanation,
      companyRule: row.company_rule,
      companyExplanation: row.company_explanation,
      messageId: row.message_id,
      decidedAt: row.decided_at,
    };
  }

  listContacts(search: string | undefined, cursor: string | undefined, limit: number): ContactPage {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const term = search?.trim().toLowerCase();
    if (term) {
      const pattern = `${escapeLike(term)}%`;
      where.push(`(lower(c.name) LIKE ? ESCAPE '\\' OR lower(c.name) LIKE ? ESCAPE '\\'
        OR EXISTS (SELECT 1 FROM contact_emails e WHERE e.contact_id = c.id AND e.address >= ? AND e.address < ?))`);
      params.push(pattern, `% ${pattern}`, term, `${term}\uffff`);
    }
    const after = decodeCursor(cursor);
    if (after) {
      // Newest activity first, contacts without activity last (NULL sorts last in DESC), then by id:
      // a strict keyset order that is the order of contacts_by_activity, so a page reads the index
      // from the cursor on instead of sorting every contact (50,000 contacts: 35 ms a page before).
      if (after.key === '') {
        where.push('(c.last_activity_at IS NULL AND c.id < ?)');
        params.push(after.id);
      } else {
        where.push('(c.last_activity_at < ? OR (c.last_activity_at = ? AND c.id < ?) OR c.last_activity_at IS NULL)');
        params.push(after.key, after.key, after.id);
      }
    }
    const rows = this.db
      .prepare<(string | number)[], ContactRow>(
        `SELECT ${CONTACT_COLUMNS} FROM contacts c INDEXED BY contacts_by_activity ${COMPANY_JOIN}
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ?`,
      )
      .all(...params, limit + 1);
    const items = rows.slice(0, limit).map(toSummary);
    const last = rows.length > limit ? rows[limit - 1]! : null;
    return { items, next: last ? encodeCursor(last.last_activity_at ?? '', last.id) : null };
  }

  getContact(id: number, now: Date = new Date()): ContactDetail | null {
    const row = this.statements.contact.get(id);
    if (!row) return null;
    const since = new Date(now.getTime() - 90 * 86_400_000).toISOString();
    const counts = this.statements.messageCounts.get(since, id)!;
    return {
      ...toSummary(row),
      emails: this.statements.emails.all(id).map((e) => e.address),
      phones: JSON.parse(row.phones) as string[],
      title: row.title,
      owner: row.owner,
      lifecycleStage: row.lifecycle_stage,
      customFields: JSON.parse(row.custom_fields) as Record<string, unknown>,
      messages: counts.total,
      recentMessages: counts.recent,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  listCompanies(cursor: string | undefined, limit: number, search?: string): CompanyPage {
    const after = decodeCursor(cursor);
    const where: string[] = [];
    const params: (string | number)[] = [];
    const term = search?.trim().toLowerCase();
    if (term) {
      // A prefix of the name (or of any word of it) or of the domain.
      const pattern = `${escapeLike(term)}%`;
      where.push(
        `(lower(co.name) LIKE ? ESCAPE '\\' OR lower(co.name) LIKE ? ESCAPE '\\' OR co.domain LIKE ? ESCAPE '\\')`,
      );
      params.push(pattern, `% ${pattern}`, pattern);
    }
    if (after) {
      where.push('(co.name > ? OR (co.name = ? AND co.id > ?))');
      params.push(after.key, after.key, after.id);
    }
    const rows = this.db
      .prepare<(string | number)[], CompanySummaryRow>(
        `SELECT ${COMPANY_COLUMNS} FROM companies co ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY co.name, co.id LIMIT ?`,
      )
      .all(...params, limit + 1);
    const items = rows.slice(0, limit).map(toCompanySummary);
    const last = rows.length > limit ? rows[limit - 1]! : null;
    return { items, next: last ? encodeCursor(last.name, last.id) : null };
  }

  /** Contacts by id, in the order asked (ids that do not exist are left out). */
  contactSummaries(ids: readonly number[]): ContactSummary[] {
    const statement = this.db.prepare<[number], ContactRow>(
      `SELECT ${CONTACT_COLUMNS} FROM contacts c ${COMPANY_JOIN} WHERE c.id = ?`,
    );
    return ids.flatMap((id) => {
      const row = statement.get(id);
      return row ? [toSummary(row)] : [];
    });
  }

  /** Companies by id, in the order asked (ids that do not exist are left out). */
  companySummaries(ids: readonly number[]): CompanySummary[] {
    const statement = this.db.prepare<[number], CompanySummaryRow>(
      `SELECT ${COMPANY_COLUMNS} FROM companies co WHERE co.id = ?`,
    );
    return ids.flatMap((id) => {
      const row = statement.get(id);
      return row ? [toCompanySummary(row)] : [];
    });
  }
}

/** A company's summary columns (COMPANY_COLUMNS); the record page reads these and more. */
export type CompanySummaryRow = {
  id: number;
  domain: string;
  name: string;
  owner: string | null;
  contacts: number;
  created_at: string;
};
const COMPANY_COLUMNS = `co.id, co.domain, co.name, co.owner, co.created_at,
  (SELECT count(*) FROM contact_companies cc WHERE cc.company_id = co.id) AS contacts`;

export function toCompanySummary(row: CompanySummaryRow): CompanySummary {
  return {
    id: row.id,
    domain: row.domain,
    name: row.name,
    owner: row.owner,
    contacts: row.contacts,
    createdAt: row.created_at,
  };
}

function toSummary(row: ContactRow): ContactSummary {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    company:
      row.company_id !== null ? { id: row.company_id, name: row.company_name!, domain: row.company_domain! } : null,
    source: row.source,
    lastActivityAt: row.last_activity_at,
  };
}

/** A readable name when the mail gave none: ada.lovelace@ → Ada Lovelace. */
function nameFromAddress(address: string): string {
  const local = address.slice(0, address.indexOf('@')).split('+')[0]!;
  const words = local.split(/[._-]+/).filter((word) => word.length > 0);
  return words.length ? words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join(' ') : address;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
