import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3-multiple-ciphers';
import type { EmailVisibility } from '../../common/rbac/permissions.js';
import { buildMatchExpression, MAX_QUERY_TERMS, searchColumnsFor } from '../../main/search/search-query.js';

// Every expression must be valid FTS5 whatever was typed: run each one against a real FTS5 table.
const db = new Database(':memory:');
db.exec(`CREATE VIRTUAL TABLE t USING fts5 (a, b, tokenize = 'unicode61 remove_diacritics 2', prefix = '3')`);
db.prepare('INSERT INTO t (a, b) VALUES (?, ?)').run('Résumé for NEAR deal', 'subject: (quarterly) "plan" a*b');
const matches = (expression: string): number =>
  (db.prepare('SELECT count(*) AS n FROM t WHERE t MATCH ?').get(expression) as { n: number }).n;

describe('buildMatchExpression', () => {
  it.each([
    ['invoice', '"invoice"*'],
    ['invoice march', '"invoice" AND "march"*'],
    ['invoice march ', '"invoice" AND "march"'],
    ['  padded  words', '"padded" AND "words"*'],
    ['say "hi"', '"say" AND """hi"""'],
    ['say "hello"', '"say" AND """hello"""*'],
    ['ada@example.com', '"ada@example.com"*'],
    ['in', '"in"'],
    ['deal in', '"deal" AND "in"'],
    ['ada@ex', '"ada@ex"'],
    ['ada@exa', '"ada@exa"*'],
    ['zoë', '"zoë"*'],
  ])('%j → %s', (input, expected) => {
    expect(buildMatchExpression(input)).toBe(expected);
  });

  it.each(['', '   ', '"', '""', '*', '(', ')', '()', '"*', '^', '-', ':', '\u0000', '\n\t', '😀'])(
    'has nothing to search in %j',
    (input) => {
      expect(buildMatchExpression(input)).toBeNull();
    },
  );

  it.each([
    'a OR b',
    'NOT x',
    'a AND',
    'NEAR(a b, 2)',
    'subject:plan',
    '{a b}: plan',
    '^deal',
    'plan*',
    'a"b',
    '"unterminated',
    '((((a',
    'a + b',
    'x\u0000y',
    'rowid:1',
    "'; DROP TABLE t; --",
    '\\" OR 1',
  ])('turns FTS5 syntax into plain words without throwing: %j', (input) => {
    const expression = buildMatchExpression(input);
    expect(expression).not.toBeNull();
    expect(() => matches(expression as string)).not.toThrow();
  });

  it('searches operators and column names as words, not as syntax', () => {
    expect(matches(buildMatchExpression('NEAR deal') as string)).toBe(1);
    expect(matches(buildMatchExpression('deal OR nothing') as string)).toBe(0);
    expect(matches(buildMatchExpression('a:deal') as string)).toBe(0);
    expect(matches(buildMatchExpression('subject: quarterly') as string)).toBe(1);
    expect(matches(buildMatchExpression('(quarterly)') as string)).toBe(1);
  });

  it('matches without accents and by prefix of the last word', () => {
    expect(matches(buildMatchExpression('resume') as string)).toBe(1);
    expect(matches(buildMatchExpression('RÉSUMÉ') as string)).toBe(1);
    expect(matches(buildMatchExpression('quar') as string)).toBe(1);
    expect(matches(buildMatchExpression('quar ') as string)).toBe(0);
    // Two letters are a whole word: as a prefix they would match most of a mailbox.
    expect(matches(buildMatchExpression('qu') as string)).toBe(0);
  });

  it('keeps unicode words whole and bounds the query', () => {
    expect(buildMatchExpression('Zürich 東京 ')).toBe('"Zürich" AND "東京"');
    const many = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    expect(buildMatchExpression(many)?.split(' AND ')).toHaveLength(MAX_QUERY_TERMS);
    expect(buildMatchExpression('x'.repeat(10_000))).toBe(`"${'x'.repeat(64)}"*`);
  });
});

describe('searchColumnsFor: a search matches only what the user may read', () => {
  const mail = new Database(':memory:');
  mail.exec(
    `CREATE VIRTUAL TABLE m USING fts5 (subject, body, participants, tokenize = 'unicode61 remove_diacritics 2')`,
  );
  mail
    .prepare('INSERT INTO m VALUES (?, ?, ?)')
    .run('Quarterly plan', 'The budget is confidential', 'Ann ann@acme.test');
  const hits = (query: string, visibility: EmailVisibility): number => {
    const expression = buildMatchExpression(query, searchColumnsFor(visibility)) as string;
    return (mail.prepare('SELECT count(*) AS n FROM m WHERE m MATCH ?').get(expression) as { n: number }).n;
  };

  it('matches every column with full visibility', () => {
    expect(searchColumnsFor('full')).toBeUndefined();
    expect(hits('budget', 'full')).toBe(1);
    expect(hits('quarterly', 'full')).toBe(1);
    expect(hits('ann', 'full')).toBe(1);
  });

  it('never matches a body below full visibility, nor a subject at metadata', () => {
    expect(hits('budget', 'subject')).toBe(0);
    expect(hits('confid', 'subject')).toBe(0);
    expect(hits('quarterly', 'subject')).toBe(1);
    expect(hits('budget', 'metadata')).toBe(0);
    expect(hits('quarterly', 'metadata')).toBe(0);
    expect(hits('ann@acme.test', 'metadata')).toBe(1);
  });

  it('applies the filter to every word, so a readable word cannot pull in a hidden one', () => {
    expect(hits('quarterly budget', 'subject')).toBe(0);
    expect(hits('quarterly plan', 'subject')).toBe(1);
    expect(buildMatchExpression('a:b OR cat', ['participants'])).toBe('{participants} : ("a:b" AND "OR" AND "cat"*)');
  });
});
