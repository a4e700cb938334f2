import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { assertBuildIsCurrent } from '../harness/compiled.js';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMessage } from '../../main/sync/mime/parse-message.js';
import type { ParsedAddress, ParsedMessage } from '../../main/sync/mime/parsed-message.js';
import { silentLogger } from '../../main/util/logger.js';

// Every message of the malformed-mail corpus (test/fixtures/mime, see its README) through the
// worker pool. The pool runs from the compiled build (see main/sync/mime/parser-pool.ts), so it is
// imported from out/ after checking the build is current. A missing corpus fails, never skips.

const CORPUS = new URL('../fixtures/mime/corpus/', import.meta.url);
assertBuildIsCurrent();
const { createParserPool } = await import('../../out/main/sync/mime/parser-pool.js');

const corpusPresent = existsSync(CORPUS);
const corpus = corpusPresent
  ? readdirSync(CORPUS)
      .filter((name) => name.endsWith('.eml'))
      .sort()
      .map((name) => ({ name, bytes: readFileSync(new URL(name, CORPUS)) }))
  : [];

const parser = createParserPool({ log: silentLogger(), size: 2 });
afterAll(() => parser.close());

/** Pool results by file name, parsed once for all the tests below. */
let results: Promise<Map<string, ParsedMessage>> | null = null;
function parseCorpus(): Promise<Map<string, ParsedMessage>> {
  results ??= Promise.all(
    // The pool takes ownership of what it parses: give it copies, the originals are reused below.
    corpus.map(async ({ name, bytes }) => [name, await parser.parse(Buffer.from(bytes))] as const),
  ).then((entries) => new Map(entries));
  return results;
}

function byShortName(results: Map<string, ParsedMessage>, shortName: string): ParsedMessage {
  const entry = [...results].find(([name]) => name.replace(/^\d+-|\.eml$/g, '') === shortName);
  if (!entry) throw new Error(`no corpus message named ${shortName}: was the corpus regenerated?`);
  return entry[1];
}

describe('MIME corpus through the parser pool', () => {
  it('is present (test/fixtures/mime/corpus/*.eml, written by test/fixtures/mime/generate.mjs)', () => {
    expect(
      corpusPresent,
      'test/fixtures/mime/corpus/ is missing: run `node test/fixtures/mime/generate.mjs` (see test/fixtures/mime/README.md)',
    ).toBe(true);
    expect(corpus.length, 'the corpus holds 100+ messages').toBeGreaterThanOrEqual(100);
  });

  it('resolves every message with a well-formed ParsedMessage, no worker crashing or timing out', async () => {
    const parsed = await parseCorpus();
    expect(parsed.size).toBe(corpus.length);
    for (const [name, message] of parsed) expectWellFormed(name, message);
    const failures = [...parsed].filter(([, message]) =>
      message.warnings.some((warning) => ['parser-crashed', 'parse-timeout', 'pool-closed'].includes(warning)),
    );
    expect(failures.map(([name, message]) => `${name}: ${message.warnings.join(', ')}`)).toEqual([]);
    expect(parser.stats()).toMatchObject({ parsed: corpus.length, timeouts: 0, crashes: 0 });
  }, 120_000);

  it('answers through the pool exactly what parseMessage answers in this process', async () => {
    const parsed = await parseCorpus();
    for (const { name, bytes } of corpus) {
      expect(parsed.get(name), name).toEqual(await parseMessage(bytes));
    }
  }, 120_000);

  it('reads the valid controls without a warning', async () => {
    const parsed = await parseCorpus();
    const valid = [...parsed].filter(([name]) => /^\d+-valid-/.test(name));
    expect(valid.length).toBeGreaterThan(0);
    for (const [name, message] of valid) {
      expect(message.warnings, name).toEqual([]);
      expect(message.messageId, name).not.toBeNull();
      expect(message.text ?? message.html, name).not.toBeNull();
    }
  });

  it.each([
    ['charset-x-unknown', 'charset-unknown:x-unknown'],
    ['charset-utf-9', 'charset-unknown:utf-9'],
    ['rfc2047-unknown-charset', 'charset-unknown:x-klingon'],
    ['multipart-boundary-never-closed', 'truncated'],
    ['truncated-after-boundary-line', 'truncated'],
    ['date-garbage', 'bad-date'],
    ['date-missing', 'no-date'],
    ['from-missing', 'no-from'],
    ['message-id-missing', 'no-message-id'],
    ['message-id-empty', 'no-message-id'],
    ['structure-only-body-no-headers', 'no-headers'],
  ])('names the defect of %s: %s', async (shortName, warning) => {
    expect(byShortName(await parseCorpus(), shortName).warnings).toContain(warning);
  });

  it('repairs what hides the header: a byte order mark, bare CR line endings, a huge References', async () => {
    const parsed = await parseCorpus();
    expect(byShortName(parsed, 'bytes-utf8-bom-first').from).not.toEqual([]);
    expect(byShortName(parsed, 'bytes-bare-cr').subject).toBe('Bare CR only');
    const references = byShortName(parsed, 'huge-references-500k');
    expect(references.warnings).not.toContain('parse-failed');
    expect(references.references).toHaveLength(100);
  });

  it('keeps control characters out of subjects and file names', async () => {
    const parsed = await parseCorpus();
    // eslint-disable-next-line no-control-regex -- looking for control characters
    const control = /[\u0000-\u001f\u007f-\u009f]/;
    for (const [name, message] of parsed) {
      expect(message.subject ?? '', name).not.toMatch(control);
      for (const attachment of message.attachments) expect(attachment.filename ?? '', name).not.toMatch(control);
    }
  });
});

function expectWellFormed(name: string, message: ParsedMessage): void {
  const nullableString = (value: unknown): boolean => value === null || typeof value === 'string';
  const addresses = (value: ParsedAddress[]): boolean =>
    Array.isArray(value) &&
    value.every(
      (entry) =>
        typeof entry.name === 'string' &&
        typeof entry.address === 'string' &&
        entry.address === entry.address.toLowerCase(),
    );
  const checks: Record<string, boolean> = {
    messageId: nullableString(message.messageId) && !/[<>\s]/.test(message.messageId ?? ''),
    inReplyTo: nullableString(message.inReplyTo) && !/[<>\s]/.test(message.inReplyTo ?? ''),
    references:
      Array.isArray(message.references) &&
      message.references.every((id) => typeof id === 'string' && !/[<>\s]/.test(id)) &&
      new Set(message.references).size === message.references.length,
    subject: nullableString(message.subject),
    date: message.date === null || new Date(message.date).toISOString() === message.date,
    from: addresses(message.from),
    to: addresses(message.to),
    cc: addresses(message.cc),
    bcc: addresses(message.bcc),
    replyTo: addresses(message.replyTo),
    text: nullableString(message.text) && (message.text?.length ?? 0) <= 200_000,
    html: nullableString(message.html),
    textTruncated: typeof message.textTruncated === 'boolean',
    attachments:
      Array.isArray(message.attachments) &&
      message.attachments.every(
        (attachment) =>
          nullableString(attachment.filename) &&
          typeof attachment.contentType === 'string' &&
          Number.isInteger(attachment.size) &&
          attachment.size >= 0 &&
          nullableString(attachment.contentId) &&
          nullableString(attachment.partId) &&
          typeof attachment.inline === 'boolean' &&
          Object.keys(attachment).length === 6,
      ),
    bulk: [message.listId, message.listUnsubscribe, message.precedence, message.autoSubmitted].every(nullableString),
    warnings: Array.isArray(message.warnings) && message.warnings.every((warning) => typeof warning === 'string'),
  };
  const failed = Object.entries(checks)
    .filter(([, ok]) => !ok)
    .map(([field]) => field);
  expect(failed, `${name}: malformed fields`).toEqual([]);
}
