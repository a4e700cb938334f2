import type { SearchHit, SearchIndexing, SearchOrder, SnippetSegment } from '../../common/domain/search.js';
import { AppError } from '../../common/errors.js';
import {
  MATCH_END,
  MATCH_START,
  type IndexProgress,
  type SearchRepository,
  type SearchRow,
} from '../store/repositories/search-repository.js';
import { buildMatchExpression, type SearchColumn } from './search-query.js';

export type SearchRequest = {
  query: string;
  order: SearchOrder;
  limit: number;
  cursor?: string | undefined;
  accountId?: string | undefined;
  /** Limit the match to these columns (what the user may read); every column when absent. */
  columns?: readonly SearchColumn[] | undefined;
};

/** Newest: the search key of the last hit; ranked: how many hits came before (ranks move as mail arrives). */
type Cursor = { o: 'newest'; k: number } | { o: 'ranked'; n: number };

/** Runs one search.messages page: parse, query, snippets, next cursor. */
export function searchMessages(
  repository: SearchRepository,
  request: SearchRequest,
): { hits: SearchHit[]; next: string | null; rankedAmongNewest?: number } {
  const match = buildMatchExpression(request.query, request.columns);
  if (match === null) return { hits: [], next: null };
  const cursor = request.cursor === undefined ? null : decodeCursor(request.cursor, request.order);
  const common = { match, accountId: request.accountId ?? null, limit: request.limit + 1 };
  // Ranked: the newest `rankedWindow` matches are ranked (see RANKED_WINDOW), the floor found once.
  const window = request.order === 'ranked' ? repository.rankedWindowOf(match) : null;
  const rows =
    window === null
      ? repository.page({
          ...common,
          order: 'newest',
          beforeKey: cursor?.o === 'newest' ? cursor.k : null,
        })
      : repository.page({
          ...common,
          order: 'ranked',
          offset: cursor?.o === 'ranked' ? cursor.n : 0,
          floor: window.floor,
        });
  const page = rows.slice(0, request.limit);
  const last = page.at(-1);
  let next: string | null = null;
  if (rows.length > request.limit && last) {
    next = encodeCursor(
      window === null
        ? { o: 'newest', k: last.key }
        : { o: 'ranked', n: (cursor?.o === 'ranked' ? cursor.n : 0) + page.length },
    );
  }
  const hits = page.map(toHit);
  return window?.exceeded ? { hits, next, rankedAmongNewest: repository.rankedWindow } : { hits, next };
}

export function indexingFigure(progress: IndexProgress): SearchIndexing {
  const total = Math.max(progress.live, progress.pending);
  const fraction = total === 0 ? 1 : 1 - progress.pending / total;
  return { done: progress.pending === 0, progress: Math.min(1, Math.max(0, fraction)), pending: progress.pending };
}

/** Splits a snippet marked by the repository into text pieces; stray marks are dropped, never shown. */
export function snippetSegments(marked: string): SnippetSegment[] {
  const segments: SnippetSegment[] = [];
  let match = false;
  let text = '';
  const flush = (): void => {
    if (text) segments.push({ text, match });
    text = '';
  };
  for (const char of marked) {
    if (char === MATCH_START || char === MATCH_END) {
      flush();
      match = char === MATCH_START;
    } else text += char;
  }
  flush();
  return segments;
}

function toHit(row: SearchRow): SearchHit {
  return {
    messageId: row.id,
    accountId: row.accountId,
    subject: row.subject,
    date: row.date,
    from: firstAddress(row.fromJson),
    snippet: snippetSegments(row.snippet),
  };
}

function firstAddress(json: string): { name: string; address: string } | null {
  try {
    const list = JSON.parse(json) as unknown;
    const first = Array.isArray(list) ? (list[0] as { name?: unknown; address?: unknown } | undefined) : undefined;
    if (!first) return null;
    return {
      name: typeof first.name === 'string' ? first.name : '',
      address: typeof first.address === 'string' ? first.address : '',
    };
  } catch {
    return null;
  }
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string, order: SearchOrder): Cursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    value = null;
  }
  const cursor = value as Partial<{ o: string; k: unknown; n: unknown }> | null;
  if (order === 'newest' && cursor?.o === 'newest' && Number.isSafeInteger(cursor.k)) {
    return { o: 'newest', k: cursor.k as number };
  }
  if (order === 'ranked' && cursor?.o === 'ranked' && Number.isInteger(cursor.n) && (cursor.n as number) >= 0) {
    return { o: 'ranked', n: cursor.n as number };
  }
  throw new AppError('VALIDATION', 'This search cursor is not valid for this query; start again from the first page.');
}
