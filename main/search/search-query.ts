import type { EmailVisibility } from '../../common/rbac/permissions.js';

/** At most this many words of a query are used: each one is a doclist to read and intersect. */
export const MAX_QUERY_TERMS = 16;
const MAX_TERM_CHARS = 64;
/** A last word shorter than this is a whole word: a 1-2 letter prefix matches most of a mailbox. */
export const MIN_PREFIX_CHARS = 3;

/** A letter or digit (with its combining marks): what the unicode61 tokenizer keeps in a token. */
const TOKEN_CHAR = /[\p{L}\p{N}]/u;

/**
 * Turns what a user typed into an FTS5 MATCH expression, or null when nothing in it is searchable.
 * Never throws and never passes FTS5 syntax through: every whitespace-separated word becomes a quoted
 * phrase (quotes doubled), so AND/OR/NOT/NEAR, parentheses, `col:` filters, `^` and `*` are plain
 * text; the tokenizer then splits a word like ada@example.com into the phrase "ada example com".
 * Words are ANDed. The last word is a prefix (search as you type) unless the input ends in a space,
 * which says the word is complete, or its last token is shorter than MIN_PREFIX_CHARS (the prefix
 * index of migration 0005 starts at 3). With `columns`, the words must match within those columns.
 */
export function buildMatchExpression(input: string, columns?: readonly SearchColumn[]): string | null {
  // Control characters (NUL among them) become spaces before anything reaches SQLite.
  const words = input
    .replace(/\p{Cc}/gu, ' ')
    .split(/\s+/u)
    .filter((word) => TOKEN_CHAR.test(word))
    .slice(0, MAX_QUERY_TERMS)
    .map((word) => [...word].slice(0, MAX_TERM_CHARS).join(''));
  if (words.length === 0) return null;
  const lastToken =
    words
      .at(-1)
      ?.match(/[\p{L}\p{N}\p{M}]+/gu)
      ?.at(-1) ?? '';
  const prefixLast = !/\s$/u.test(input) && [...lastToken].length >= MIN_PREFIX_CHARS;
  const expression = words
    .map((word, index) => {
      const phrase = `"${word.replace(/"/g, '""')}"`;
      return prefixLast && index === words.length - 1 ? `${phrase}*` : phrase;
    })
    .join(' AND ');
  // A column filter over the whole group: every word must match within the allowed columns.
  return columns === undefined ? expression : `{${columns.join(' ')}} : (${expression})`;
}

/** The columns of the message index (migration 0010's message_search). */
export type SearchColumn = 'subject' | 'body' | 'participants';

/**
 * What a search may match, by how much of an email the user may read (the policy's email visibility).
 * Hiding a subject or body in the hits is not enough: a hit for a word reveals that the hidden text
 * holds it, so the match itself is limited to what the user may read.
 */
export function searchColumnsFor(visibility: EmailVisibility): readonly SearchColumn[] | undefined {
  if (visibility === 'full') return undefined;
  return visibility === 'subject' ? ['subject', 'participants'] : ['participants'];
}
