import type {
  Board,
  CreateDealInput,
  CurrencyTotal,
  Deal,
  DealPage,
  MoveDealInput,
  Pipeline,
  Stage,
  StageKind,
  UpdateDealInput,
} from '../../../common/domain/deals.js';
import { AppError } from '../../../common/errors.js';
import type { Db } from '../sqlcipher.js';
import { decodeCursor, encodeCursor } from './keyset-cursor.js';

type DealRow = {
  id: number;
  name: string;
  amount_minor: number;
  currency: string;
  pipeline_id: number;
  stage_id: number;
  stage_name: string;
  stage_kind: StageKind;
  position: number;
  close_date: string | null;
  owner: string | null;
  company_id: number | null;
  company_name: string | null;
  company_domain: string | null;
  created_at: string;
  updated_at: string;
};
type StageRow = { id: number; pipeline_id: number; name: string; position: number; kind: StageKind };
type ContactRow = { deal_id: number; id: number; name: string; email: string | null };

const DEAL_SELECT = `SELECT d.id, d.name, d.amount_minor, d.currency, d.pipeline_id, d.stage_id, s.name AS stage_name,
  s.kind AS stage_kind, d.position, d.close_date, d.owner, d.company_id, co.name AS company_name,
  co.domain AS company_domain, d.created_at, d.updated_at
  FROM deals d JOIN pipeline_stages s ON s.id = d.stage_id LEFT JOIN companies co ON co.id = d.company_id`;

/** Pipelines, their stages, and the deals on them with their order, contacts and stage history. */
export class DealsRepository {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      pipelines: db.prepare<[], { id: number; name: string }>('SELECT id, name FROM pipelines ORDER BY position, id'),
      stages: db.prepare<[], StageRow>(
        'SELECT id, pipeline_id, name, position, kind FROM pipeline_stages ORDER BY pipeline_id, position',
      ),
      stage: db.prepare<[number], StageRow>(
        'SELECT id, pipeline_id, name, position, kind FROM pipeline_stages WHERE id = ?',
      ),
      deal: db.prepare<[number], DealRow>(`${DEAL_SELECT} WHERE d.id = ?`),
      dealsOfPipeline: db.prepare<[number], DealRow>(
        `${DEAL_SELECT} WHERE s.pipeline_id = ? ORDER BY s.position, d.position`,
      ),
      totals: db.prepare<[number], { stage_id: number; currency: string; amount: number }>(
        `SELECT d.stage_id, d.currency, sum(d.amount_minor) AS amount
         FROM pipeline_stages s JOIN deals d ON d.stage_id = s.id
         WHERE s.pipeline_id = ? GROUP BY d.stage_id, d.currency ORDER BY d.currency`,
      ),
      contactsOf: db.prepare<[string], ContactRow>(
        `SELECT dc.deal_id, c.id, c.name, (SELECT min(address) FROM contact_emails e WHERE e.contact_id = c.id) AS email
         FROM deal_contacts dc JOIN contacts c ON c.id = dc.contact_id
         WHERE dc.deal_id IN (SELECT value FROM json_each(?)) ORDER BY c.name COLLATE NOCASE, c.id`,
      ),
      countInStage: db.prepare<[number, number], { n: number }>(
        'SELECT count(*) AS n FROM deals WHERE stage_id = ? AND id <> ?',
      ),
      closeGap: db.prepare<[number, number]>(
        'UPDATE deals SET position = position - 1 WHERE stage_id = ? AND position > ?',
      ),
      openGap: db.prepare<[number, number, number]>(
        'UPDATE deals SET position = position + 1 WHERE stage_id = ? AND position >= ? AND id <> ?',
      ),
      place: db.prepare<[number, number, number, string, number]>(
        'UPDATE deals SET stage_id = ?, pipeline_id = ?, position = ?, updated_at = ? WHERE id = ?',
      ),
      insert: db.prepare(
        `INSERT INTO deals (name, amount_minor, currency, pipeline_id, stage_id, position, close_date, owner, company_id,
           created_at, updated_at)
         VALUES (@name, @amountMinor, @currency, @pipelineId, @stageId, @position, @closeDate, @owner, @companyId, @now, @now)`,
      ),
      update: db.prepare(
        `UPDATE deals SET name = @name, amount_minor = @amountMinor, currency = @currency, close_date = @closeDate,
           owner = @owner, company_id = @companyId, updated_at = @now WHERE id = @id`,
      ),
      remove: db.prepare<[number]>('DELETE FROM deals WHERE id = ?'),
      clearContacts: db.prepare<[number]>('DELETE FROM deal_contacts WHERE deal_id = ?'),
      addContact: db.prepare<[number, number]>(
        'INSERT OR IGNORE INTO deal_contacts (deal_id, contact_id) VALUES (?, ?)',
      ),
      history: db.prepare<[number, number | null, number, string]>(
        'INSERT INTO deal_stage_changes (deal_id, from_stage_id, to_stage_id, changed_at) VALUES (?, ?, ?, ?)',
      ),
      contactExists: db.prepare<[number], { id: number }>('SELECT id FROM contacts WHERE id = ?'),
      companyExists: db.prepare<[number], { id: number }>('SELECT id FROM companies WHERE id = ?'),
    };
  }

  listPipelines(): Pipeline[] {
    const stages = this.s.stages.all();
    return this.s.pipelines.all().map((pipeline) => ({
      id: pipeline.id,
      name: pipeline.name,
      stages: stages.filter((stage) => stage.pipeline_id === pipeline.id).map(toStage),
    }));
  }

  /** The pipeline's board; the first pipeline when none is named. Null when there is no such pipeline. */
  board(pipelineId?: number): Board | null {
    const pipelines = this.listPipelines();
    const pipeline = pipelineId === undefined ? pipelines[0] : pipelines.find((p) => p.id === pipelineId);
    if (!pipeline) return null;
    const deals = this.withContacts(this.s.dealsOfPipeline.all(pipeline.id));
    const totals = this.s.totals.all(pipeline.id);
    return {
      pipeline,
      stages: pipeline.stages.map((stage) => {
        const inStage = deals.filter((deal) => deal.stageId === stage.id);
        return {
          stage,
          deals: inStage,
          count: inStage.length,
          totals: totals
            .filter((total) => total.stage_id === stage.id)
            .map((total): CurrencyTotal => ({ currency: total.currency, amountMinor: total.amount })),
        };
      }),
    };
  }

  get(id: number): Deal | null {
    const row = this.s.deal.get(id);
    return row ? this.withContacts([row])[0]! : null;
  }

  /** Most recently updated first; a contact's or a company's deals when asked. */
  list(filter: { contactId?: number; companyId?: number }, cursor: string | undefined, limit: number): DealPage {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.contactId !== undefined) {
      where.push('EXISTS (SELECT 1 FROM deal_contacts dc WHERE dc.deal_id = d.id AND dc.contact_id = ?)');
      params.push(filter.contactId);
    }
    if (filter.companyId !== undefined) {
      where.push('d.company_id = ?');
      params.push(filter.companyId);
    }
    const after = decodeCursor(cursor);
    if (after) {
      where.push('(d.updated_at < ? OR (d.updated_at = ? AND d.id < ?))');
      params.push(after.key, after.key, after.id);
    }
    const sql = `${DEAL_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY d.updated_at DESC, d.id DESC LIMIT ?`;
    const rows = this.db.prepare<(string | number)[], DealRow>(sql).all(...params, limit + 1);
    const page = rows.slice(0, limit);
    const last = rows.length > limit ? page[page.length - 1] : undefined;
    return { items: this.withContacts(page), next: last ? encodeCursor(last.updated_at, last.id) : null };
  }

  create(input: CreateDealInput, now = new Date().toISOString()): Deal {
    return this.db.transaction(() => {
      const stage = this.targetStage(input.pipelineId, input.stageId);
      this.checkLinks(input.companyId ?? null, input.contactIds ?? []);
      const id = Number(
        this.s.insert.run({
          name: input.name,
          amountMinor: input.amountMinor,
          currency: input.currency,
          pipelineId: stage.pipeline_id,
          stageId: stage.id,
          position: this.s.countInStage.get(stage.id, 0)!.n,
          closeDate: input.closeDate ?? null,
          owner: input.owner ?? null,
          companyId: input.companyId ?? null,
          now,
        }).lastInsertRowid,
      );
      for (const contactId of input.contactIds ?? []) this.s.addContact.run(id, contactId);
      this.s.history.run(id, null, stage.id, now);
      return this.get(id)!;
    })();
  }

  /** Null when there is no such deal. */
  update(input: UpdateDealInput, now = new Date().toISOString()): Deal | null {
    return this.db.transaction(() => {
      const current = this.get(input.id);
      if (!current) return null;
      const companyId = input.companyId === undefined ? (current.company?.id ?? null) : input.companyId;
      this.checkLinks(companyId, input.contactIds ?? []);
      this.s.update.run({
        id: input.id,
        name: input.name ?? current.name,
        amountMinor: input.amountMinor ?? current.amountMinor,
        currency: input.currency ?? current.currency,
        closeDate: input.closeDate === undefined ? current.closeDate : input.closeDate,
        owner: input.owner === undefined ? current.owner : input.owner,
        companyId,
        now,
      });
      if (input.contactIds) {
        this.s.clearContacts.run(input.id);
        for (const contactId of input.contactIds) this.s.addContact.run(input.id, contactId);
      }
      return this.get(input.id);
    })();
  }

  /**
   * Moves a deal to a stage, before `beforeId` (a deal of that stage) or last. Positions in both
   * stages stay 0..n-1, and a change of stage is written to the deal's history, all in one transaction.
   */
  move(input: MoveDealInput, now = new Date().toISOString()): Deal {
    return this.db.transaction(() => {
      const deal = this.s.deal.get(input.id);
      if (!deal) throw new AppError('NOT_FOUND', `No deal ${input.id}.`);
      const stage = this.s.stage.get(input.stageId);
      if (!stage) throw new AppError('NOT_FOUND', `No stage ${input.stageId}.`);
      let position = this.s.countInStage.get(stage.id, deal.id)!.n;
      if (input.beforeId !== undefined && input.beforeId !== null) {
        if (input.beforeId === deal.id) throw new AppError('VALIDATION', 'A deal cannot be placed before itself.');
        const before = this.s.deal.get(input.beforeId);
        if (!before || before.stage_id !== stage.id) {
          throw new AppError('VALIDATION', `Deal ${input.beforeId} is not in stage "${stage.name}".`);
        }
        // Its position once the moving deal has left its own place (same stage: everything after it shifts up).
        position =
          before.stage_id === deal.stage_id && before.position > deal.position ? before.position - 1 : before.position;
      }
      this.s.closeGap.run(deal.stage_id, deal.position);
      this.s.openGap.run(stage.id, position, deal.id);
      this.s.place.run(stage.id, stage.pipeline_id, position, now, deal.id);
      if (stage.id !== deal.stage_id) this.s.history.run(deal.id, deal.stage_id, stage.id, now);
      return this.get(deal.id)!;
    })();
  }

  /** False when there was no such deal. Its notes, tasks, contacts and history go with it (cascades). */
  delete(id: number): boolean {
    return this.db.transaction(() => {
      const deal = this.s.deal.get(id);
      if (!deal) return false;
      this.s.remove.run(id);
      this.s.closeGap.run(deal.stage_id, deal.position);
      return true;
    })();
  }

  private targetStage(pipelineId: number | undefined, stageId: number | undefined): StageRow {
    if (stageId !== undefined) {
      const stage = this.s.stage.get(stageId);
      if (!stage) throw new AppError('NOT_FOUND', `No stage ${stageId}.`);
      if (pipelineId !== undefined && stage.pipeline_id !== pipelineId) {
        throw new AppError('VALIDATION', `Stage "${stage.name}" is not in pipeline ${pipelineId}.`);
      }
      return stage;
    }
    const pipeline =
      pipelineId === undefined ? this.listPipelines()[0] : this.listPipelines().find((p) => p.id === pipelineId);
    if (!pipeline)
      throw new AppError(
        'NOT_FOUND',
        pipelineId === undefined ? 'There is no pipeline.' : `No pipeline ${pipelineId}.`,
      );
    const first = pipeline.stages[0];
    if (!first) throw new AppError('VALIDATION', `Pipeline "${pipeline.name}" has no stages.`);
    return this.s.stage.get(first.id)!;
  }

  private checkLinks(companyId: number | null, contactIds: number[]): void {
    if (companyId !== null && !this.s.companyExists.get(companyId)) {
      throw new AppError('NOT_FOUND', `No company ${companyId}.`);
    }
    for (const contactId of contactIds) {
      if (!this.s.contactExists.get(contactId)) throw new AppError('NOT_FOUND', `No contact ${contactId}.`);
    }
  }

  private withContacts(rows: DealRow[]): Deal[] {
    const contacts = new Map<number, Deal['contacts']>();
    if (rows.length) {
      for (const contact of this.s.contactsOf.all(JSON.stringify(rows.map((row) => row.id)))) {
        const list = contacts.get(contact.deal_id) ?? [];
        list.push({ id: contact.id, name: contact.name, email: contact.email });
        contacts.set(contact.deal_id, list);
      }
    }
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      amountMinor: row.amount_minor,
      currency: row.currency,
      pipelineId: row.pipeline_id,
      stageId: row.stage_id,
      stageName: row.stage_name,
      stageKind: row.stage_kind,
      position: row.position,
      closeDate: row.close_date,
      owner: row.owner,
      company:
        row.company_id !== null ? { id: row.company_id, name: row.company_name!, domain: row.company_domain! } : null,
      contacts: contacts.get(row.id) ?? [],
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }));
  }
}

function toStage(row: StageRow): Stage {
  return { id: row.id, name: row.name, position: row.position, kind: row.kind };
}
