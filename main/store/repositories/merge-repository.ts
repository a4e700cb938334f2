import { AppError } from '../../../common/errors.js';
import type { MergeKind, MergeRecord, MergeResult, UndoMergeResult } from '../../../common/domain/merge.js';
import type { Db } from '../sqlcipher.js';
import {
  fromStored,
  quoted,
  referencesTo,
  toStored,
  type Reference,
  type StoredRow,
  type StoredValue,
} from './foreign-keys.js';

const PARENT: Record<MergeKind, string> = { contact: 'contacts', company: 'companies' };
const NOUN: Record<MergeKind, string> = { contact: 'contact', company: 'company' };

/** Links re-pointed from one source to the target: rowids, or primary keys as they are after the move. */
type MovedLinks = { table: string; column: string; source: number; keys: StoredValue[][] };
/** A link dropped because the target already had the same one (both contacts on one message). */
type DroppedLink = { table: string; row: StoredRow };

/** Everything an undo needs, written with the merge in one transaction. */
type UndoSnapshot = {
  target: StoredRow;
  sources: StoredRow[];
  moved: MovedLinks[];
  dropped: DroppedLink[];
};

type MergeRow = {
  id: number;
  kind: MergeKind;
  target_id: number;
  source_ids: string;
  target_name: string;
  source_names: string;
  undo: string;
  target_after: string;
  merged_at: string;
  undone_at: string | null;
};

/** Decides what the target takes from the sources (main/crm/merge/fill-fields.ts). */
export type FieldFiller = (
  target: Record<string, unknown>,
  sources: Record<string, unknown>[],
) => Record<string, unknown>;

const ROWID = '__rowid';

/**
 * Merges of contacts or companies and their exact undo. Every foreign key that references the
 * parent table is found from the schema at merge time, so links in tables added later (deals,
 * notes, tasks, ...) move with the record without code here knowing them.
 */
export class MergeRepository {
  constructor(private readonly db: Db) {}

  merge(kind: MergeKind, targetId: number, sourceIds: number[], fill: FieldFiller, now: string): MergeResult {
    const parent = PARENT[kind];
    return this.db
      .transaction(() => {
        const target = this.row(parent, targetId);
        if (!target) throw new AppError('NOT_FOUND', `No ${NOUN[kind]} ${targetId}.`);
        const sources = sourceIds.map((id) => {
          const source = this.row(parent, id);
          if (!source) throw new AppError('NOT_FOUND', `No ${NOUN[kind]} ${id}.`);
          return source;
        });
        const snapshot: UndoSnapshot = {
          target: toStored(target),
          sources: sources.map(toStored),
          moved: [],
          dropped: [],
        };
        let moved = 0;
        for (const reference of referencesTo(this.db, parent)) {
          for (const sourceId of sourceIds) {
            const result = this.repoint(reference, sourceId, targetId);
            moved += result.moved.keys.length;
            if (result.moved.keys.length) snapshot.moved.push(result.moved);
            snapshot.dropped.push(...result.dropped);
          }
        }
        const remove = this.db.prepare<[number]>(`DELETE FROM ${quoted(parent)} WHERE id = ?`);
        for (const sourceId of sourceIds) remove.run(sourceId);
        // After the sources are gone, so a unique column the target takes from one cannot collide.
        const changes = fill(target, sources);
        this.update(parent, targetId, { ...changes, updated_at: now });
        const after = this.row(parent, targetId)!;
        const info = this.db
          .prepare<[string, number, string, string, string, string, string, string]>(
            `INSERT INTO merges (kind, target_id, source_ids, target_name, source_names, undo, target_after, merged_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            kind,
            targetId,
            JSON.stringify(sourceIds),
            nameOf(after),
            JSON.stringify(sources.map(nameOf)),
            JSON.stringify(snapshot),
            JSON.stringify(toStored(after)),
            now,
          );
        return {
          mergeId: Number(info.lastInsertRowid),
          kind,
          targetId,
          sourceIds,
          moved,
          dropped: snapshot.dropped.length,
        };
      })
      .immediate();
  }

  /**
   * Puts everything back as it was before the merge: the sources with their ids, the target's
   * fields, every link moved or dropped. Refuses with CONFLICT when that would lose or contradict
   * a later change (the target edited, a link changed since, a later merge not undone first).
   */
  undo(kind: MergeKind, mergeId: number, now: string): UndoMergeResult {
    const parent = PARENT[kind];
    return this.db
      .transaction(() => {
        const merge = this.db
          .prepare<[number, MergeKind], MergeRow>('SELECT * FROM merges WHERE id = ? AND kind = ?')
          .get(mergeId, kind);
        if (!merge) throw new AppError('NOT_FOUND', `No ${NOUN[kind]} merge ${mergeId}.`);
        const sourceIds = JSON.parse(merge.source_ids) as number[];
        const noun = NOUN[kind];
        if (merge.undone_at) throw new AppError('CONFLICT', `This merge was already undone (${merge.undone_at}).`);
        const later = this.db
          .prepare<[MergeKind, number, number, number], { id: number }>(
            `SELECT id FROM merges WHERE kind = ? AND id > ? AND undone_at IS NULL
             AND (target_id = ? OR EXISTS (SELECT 1 FROM json_each(source_ids) WHERE value = ?))
           ORDER BY id DESC LIMIT 1`,
          )
          .get(kind, mergeId, merge.target_id, merge.target_id);
        if (later) {
          throw new AppError(
            'CONFLICT',
            `The ${noun} "${merge.target_name}" was merged again later: undo that merge (#${later.id}) first.`,
          );
        }
        const current = this.row(parent, merge.target_id);
        if (!current) {
          throw new AppError(
            'CONFLICT',
            `The ${noun} "${merge.target_name}" was deleted since the merge: it cannot be undone.`,
          );
        }
        if (JSON.stringify(toStored(current)) !== merge.target_after) {
          throw new AppError(
            'CONFLICT',
            `The ${noun} "${merge.target_name}" changed after the merge: undoing it would lose that change.`,
          );
        }
        const snapshot = JSON.parse(merge.undo) as UndoSnapshot;
        for (const source of snapshot.sources) {
          if (this.row(parent, Number(source.id))) {
            throw new AppError(
              'CONFLICT',
              `A new ${noun} took id ${Number(source.id)} since the merge: it cannot be undone.`,
            );
          }
          this.insert(parent, source, false);
        }
        this.update(parent, merge.target_id, snapshot.target);
        const references = referencesTo(this.db, parent);
        for (const moved of snapshot.moved) {
          const reference = references.find((r) => r.table === moved.table && r.column === moved.column);
          if (!reference) {
            throw new AppError('CONFLICT', `The table ${moved.table} changed since the merge: it cannot be undone.`);
          }
          this.moveBack(reference, moved, merge.target_id);
        }
        for (const dropped of snapshot.dropped) {
          const reference = references.find((r) => r.table === dropped.table);
          try {
            this.insert(
              dropped.table,
              dropped.row,
              Boolean(reference && !reference.withoutRowid && !reference.rowidIsColumn),
            );
          } catch (error) {
            throw new AppError('CONFLICT', `A link in ${dropped.table} changed since the merge: it cannot be undone.`, {
              cause: error,
            });
          }
        }
        this.db.prepare<[string, number]>('UPDATE merges SET undone_at = ? WHERE id = ?').run(now, mergeId);
        return { mergeId, targetId: merge.target_id, restoredIds: sourceIds };
      })
      .immediate();
  }

  history(kind: MergeKind, limit: number): MergeRecord[] {
    return this.db
      .prepare<[MergeKind, number], MergeRow>('SELECT * FROM merges WHERE kind = ? ORDER BY id DESC LIMIT ?')
      .all(kind, limit)
      .map((row) => ({
        mergeId: row.id,
        kind: row.kind,
        targetId: row.target_id,
        targetName: row.target_name,
        sourceIds: JSON.parse(row.source_ids) as number[],
        sourceNames: JSON.parse(row.source_names) as string[],
        mergedAt: row.merged_at,
        undoneAt: row.undone_at,
      }));
  }

  private row(table: string, id: number): Record<string, unknown> | undefined {
    return this.db.prepare<[number], Record<string, unknown>>(`SELECT * FROM ${quoted(table)} WHERE id = ?`).get(id);
  }

  private update(table: string, id: number, values: Record<string, unknown>): void {
    const columns = Object.keys(values).filter((column) => column !== 'id');
    if (columns.length === 0) return;
    this.db
      .prepare(`UPDATE ${quoted(table)} SET ${columns.map((c) => `${quoted(c)} = ?`).join(', ')} WHERE id = ?`)
      .run(...columns.map((c) => fromStored(values[c] as StoredValue)), id);
  }

  private insert(table: string, row: StoredRow, withRowid: boolean): void {
    const columns = Object.keys(row).filter((column) => column !== ROWID);
    const names = [...(withRowid ? ['rowid'] : []), ...columns.map(quoted)];
    const values = [...(withRowid ? [row[ROWID]!] : []), ...columns.map((c) => row[c]!)].map(fromStored);
    this.db
      .prepare(`INSERT INTO ${quoted(table)} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`)
      .run(...values);
  }

  /**
   * Points one source's links in one table at the target. A link the target already has (same
   * primary key or unique value once re-pointed) cannot move: it is recorded whole and deleted.
   */
  private repoint(
    reference: Reference,
    sourceId: number,
    targetId: number,
  ): { moved: MovedLinks; dropped: DroppedLink[] } {
    const table = quoted(reference.table);
    const column = quoted(reference.column);
    const keyList = reference.withoutRowid ? reference.keyColumns.map(quoted).join(', ') : `rowid AS ${ROWID}`;
    const keysOf = (rows: Record<string, unknown>[]): StoredValue[][] =>
      rows.map((row) =>
        reference.withoutRowid ? reference.keyColumns.map((key) => storedValue(row[key])) : [row[ROWID] as number],
      );
    const before = keysOf(
      this.db
        .prepare<[number], Record<string, unknown>>(`SELECT ${keyList} FROM ${table} WHERE ${column} = ?`)
        .all(sourceId),
    );
    if (before.length === 0) return { moved: { ...this.names(reference), source: sourceId, keys: [] }, dropped: [] };
    this.db
      .prepare<[number, number]>(`UPDATE OR IGNORE ${table} SET ${column} = ? WHERE ${column} = ?`)
      .run(targetId, sourceId);
    const selectAll = reference.withoutRowid || reference.rowidIsColumn ? '*' : `rowid AS ${ROWID}, *`;
    const stuck = this.db
      .prepare<[number], Record<string, unknown>>(`SELECT ${selectAll} FROM ${table} WHERE ${column} = ?`)
      .all(sourceId);
    const stuckKeys = new Set(
      stuck.map((row) =>
        JSON.stringify(
          reference.withoutRowid
            ? reference.keyColumns.map((key) => storedValue(row[key]))
            : [row[reference.rowidIsColumn ? reference.keyColumns[0]! : ROWID]],
        ),
      ),
    );
    if (stuck.length) this.db.prepare<[number]>(`DELETE FROM ${table} WHERE ${column} = ?`).run(sourceId);
    const keyIndex = reference.keyColumns.indexOf(reference.column);
    const keys = before
      .filter((key) => !stuckKeys.has(JSON.stringify(key)))
      // A moved link's primary key holds the target now when the referencing column is part of it.
      .map((key) =>
        reference.withoutRowid && keyIndex !== -1 ? key.map((v, i) => (i === keyIndex ? targetId : v)) : key,
      );
    return {
      moved: { ...this.names(reference), source: sourceId, keys },
      dropped: stuck.map((row) => ({ table: reference.table, row: toStored(row) })),
    };
  }

  private moveBack(reference: Reference, moved: MovedLinks, targetId: number): void {
    const table = quoted(reference.table);
    const column = quoted(reference.column);
    const match = reference.withoutRowid
      ? reference.keyColumns.map((key) => `${quoted(key)} = ?`).join(' AND ')
      : 'rowid = ?';
    const statement = this.db.prepare(`UPDATE ${table} SET ${column} = ? WHERE ${match} AND ${column} = ?`);
    for (const key of moved.keys) {
      const changed = statement.run(moved.source, ...key.map(fromStored), targetId).changes;
      if (changed !== 1) {
        throw new AppError('CONFLICT', `A link in ${moved.table} changed since the merge: it cannot be undone.`);
      }
    }
  }

  private names(reference: Reference): { table: string; column: string } {
    return { table: reference.table, column: reference.column };
  }
}

function storedValue(value: unknown): StoredValue {
  return toStored({ value }).value!;
}

/** The name a merge record shows (every contact and company has one; the id if a table had none). */
function nameOf(row: Record<string, unknown>): string {
  return typeof row.name === 'string' ? row.name : `#${Number(row.id)}`;
}
