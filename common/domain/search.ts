import { z } from 'zod';

export const SearchOrder = z.enum(['newest', 'ranked']);
export type SearchOrder = z.infer<typeof SearchOrder>;

export const SearchMessagesInput = z
  .object({
    /** What the user typed; any text is accepted (FTS5 syntax in it is searched as words). */
    query: z.string().max(1000),
    order: SearchOrder.default('newest'),
    limit: z.number().int().min(1).max(100).default(25),
    /** `next` of the previous page, with the same query and order. */
    cursor: z.string().max(200).optional(),
    accountId: z.string().min(1).optional(),
    /** Index the mail not yet indexed before searching (the CLI; the app indexes in the background). */
    catchUp: z.boolean().default(false),
  })
  .strict();
export type SearchMessagesInput = z.input<typeof SearchMessagesInput>;

/**
 * A piece of a snippet: `match` pieces are the words that matched. Text only: the renderer shows
 * each piece as text (a matched one inside <mark>), so nothing in the mail is ever read as HTML.
 */
export const SnippetSegment = z.object({ text: z.string(), match: z.boolean() });
export type SnippetSegment = z.infer<typeof SnippetSegment>;

export const SearchHit = z.object({
  messageId: z.number().int().positive(),
  accountId: z.string(),
  subject: z.string().nullable(),
  date: z.string(),
  from: z.object({ name: z.string(), address: z.string() }).nullable(),
  snippet: z.array(SnippetSegment),
});
export type SearchHit = z.infer<typeof SearchHit>;

export const SearchIndexing = z.object({
  /** Everything synced is searchable. */
  done: z.boolean(),
  /** 0..1, for "indexing 40%". */
  progress: z.number().min(0).max(1),
  /** Messages not yet searchable (an estimate). */
  pending: z.number().int().nonnegative(),
});
export type SearchIndexing = z.infer<typeof SearchIndexing>;

export const SearchResults = z.object({
  hits: z.array(SearchHit),
  /** The cursor of the next page, or null after the last. */
  next: z.string().nullable(),
  indexing: SearchIndexing,
  /**
   * Set on ranked results when the query matched more messages than this: the hits are the most
   * relevant of the newest this-many matches (ranking every match of a word found in most of a large
   * mailbox would take seconds). Newest-first results always cover every match.
   */
  rankedAmongNewest: z.number().int().positive().optional(),
});
export type SearchResults = z.infer<typeof SearchResults>;
