import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ParsedMessage } from '../../main/sync/mime/parsed-message.js';
import { messageIdentity, normalizeSubject, threadKeyCandidates } from '../../main/sync/threading.js';

describe('normalizeSubject', () => {
  it.each([
    ['Quarterly numbers', 'quarterly numbers'],
    ['Re: Quarterly numbers', 'quarterly numbers'],
    ['RE: re: Re:Quarterly numbers', 'quarterly numbers'],
    ['Fwd: Re: Quarterly numbers', 'quarterly numbers'],
    ['FW: Quarterly numbers', 'quarterly numbers'],
    ['AW: WG: Quarterly numbers', 'quarterly numbers'],
    ['SV: Quarterly numbers', 'quarterly numbers'],
    ['Antw: Quarterly numbers', 'quarterly numbers'],
    ['Re[2]: Quarterly numbers', 'quarterly numbers'],
    ['Re (2): Quarterly numbers', 'quarterly numbers'],
    ['Re : Quarterly numbers', 'quarterly numbers'],
    ['[sales] Re: [EXTERNAL] RE: Quarterly numbers', 'quarterly numbers'],
    ['  Re:   Quarterly \t numbers  ', 'quarterly numbers'],
    ['ＲＥ：Quarterly numbers', 'quarterly numbers'],
    ['回复：季度数据', '季度数据'],
    ['İLT: Teklif', 'teklif'],
    ['Re:\u200b Quarterly numbers', 'quarterly numbers'],
    ['Re: Ärger mit der Lieferung 📦', 'ärger mit der lieferung 📦'],
    // Not prefixes: words that merely start like one, and a tag in the middle.
    ['Reason: Quarterly numbers', 'reason: quarterly numbers'],
    ['Review of Q3', 'review of q3'],
    ['Numbers [draft]', 'numbers [draft]'],
    ['Re:', ''],
    ['', ''],
  ])('%j -> %j', (subject, expected) => {
    expect(normalizeSubject(subject)).toBe(expected);
  });

  it('accepts null and undefined', () => {
    expect(normalizeSubject(null)).toBe('');
    expect(normalizeSubject(undefined)).toBe('');
  });

  it('matches a composed and a decomposed accent alike', () => {
    expect(normalizeSubject('Re: Caf\u00e9')).toBe(normalizeSubject('Caf\u0065\u0301'));
  });
});

describe('threadKeyCandidates', () => {
  it('lists the parent first, then the references newest to oldest, without the message itself', () => {
    const keys = threadKeyCandidates({
      messageId: 'self@x',
      inReplyTo: 'parent@x',
      references: ['root@x', 'middle@x', 'parent@x', 'self@x'],
      subject: 'Re: Offer',
      date: '2025-07-01T10:00:00.000Z',
    });
    expect(keys).toEqual({
      ids: ['parent@x', 'middle@x', 'root@x'],
      subjectKey: 'offer',
      subjectWindow: { from: '2025-06-01T10:00:00.000Z', to: '2025-07-31T10:00:00.000Z' },
    });
  });

  it('never matches by an empty subject, and uses the received date when the Date header is missing', () => {
    expect(
      threadKeyCandidates({ messageId: null, inReplyTo: null, references: [], subject: 'Re:', date: null }),
    ).toEqual({ ids: [], subjectKey: null, subjectWindow: null });
    const keys = threadKeyCandidates(
      { messageId: null, inReplyTo: null, references: [], subject: 'Offer', date: null },
      { receivedAt: '2025-07-01T00:00:00.000Z' },
    );
    expect(keys.subjectWindow?.from).toBe('2025-06-01T00:00:00.000Z');
  });
});

type IdentityInput = Pick<ParsedMessage, 'messageId' | 'date' | 'from' | 'subject' | 'text'>;

const BASE: IdentityInput = {
  messageId: 'offer-1@example.com',
  date: '2025-07-01T10:00:00.000Z',
  from: [{ name: 'Ann', address: 'ann@example.com' }],
  subject: 'Offer',
  text: 'Dear Bob,\n\nplease find our offer attached.\n',
};

describe('messageIdentity', () => {
  it('is stable: the same message read again (other folder, new UIDVALIDITY) gets the same identity', () => {
    expect(messageIdentity({ ...BASE })).toBe(messageIdentity(structuredClone(BASE)));
    expect(messageIdentity(BASE)).toMatch(/^mid:offer-1@example\.com:[0-9a-f]{32}$/);
  });

  it('ignores text layout: line wrapping, spacing and case from another HTML-to-text version', () => {
    const rewrapped = { ...BASE, text: 'DEAR BOB,  please find\r\nour offer attached.' };
    expect(messageIdentity(rewrapped)).toBe(messageIdentity(BASE));
    expect(messageIdentity({ ...BASE, from: [{ name: 'Other name', address: 'ann@example.com' }] })).toBe(
      messageIdentity(BASE),
    );
  });

  it('tells apart two different messages that share a Message-ID', () => {
    const identities = new Set([
      messageIdentity(BASE),
      messageIdentity({ ...BASE, text: 'A different body' }),
      messageIdentity({ ...BASE, subject: 'Another offer' }),
      messageIdentity({ ...BASE, date: '2025-07-02T10:00:00.000Z' }),
      messageIdentity({ ...BASE, from: [{ name: 'Ann', address: 'someone@example.com' }] }),
    ]);
    expect(identities.size).toBe(5);
  });

  it('looks only at the first 4 KB of text', () => {
    const long = 'x'.repeat(5000);
    expect(messageIdentity({ ...BASE, text: long + 'tail one' })).toBe(
      messageIdentity({ ...BASE, text: long + 'tail two' }),
    );
  });

  it('gives messages without a Message-ID a content hash, stable and distinct', () => {
    const noId = { ...BASE, messageId: null };
    expect(messageIdentity(noId)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(messageIdentity(noId)).toBe(messageIdentity({ ...noId }));
    expect(messageIdentity(noId)).not.toBe(messageIdentity({ ...noId, text: 'other' }));
  });

  it('uses the raw header bytes only when nothing else could be read', () => {
    const empty: IdentityInput = { messageId: null, date: null, from: [], subject: null, text: null };
    const a = messageIdentity(empty, Buffer.from('X-Garbage: a\r\n'));
    const b = messageIdentity(empty, Buffer.from('X-Garbage: b\r\n'));
    expect(a).not.toBe(b);
    expect(messageIdentity(empty, Buffer.from('X-Garbage: a\r\n'))).toBe(a);
    // With readable fields the header bytes (Received lines differ between Sent and Inbox) do not count.
    expect(messageIdentity(BASE, Buffer.from('Received: one'))).toBe(
      messageIdentity(BASE, Buffer.from('Received: two')),
    );
  });

  it('is the identity as first defined, however the text is made (the fast paths change no identity)', () => {
    // The definition messageIdentity is bound to (identities are stored): NFKC, lower case,
    // letters and digits only, of the subject and of the first 16,384 text characters, cut to 4,096.
    const canonical = (value: string): string =>
      value
        .normalize('NFKC')
        .toLowerCase()
        .replace(/[^\p{L}\p{N}]+/gu, '');
    const reference = (input: IdentityInput): string => {
      const fields = [
        input.date ?? '',
        input.from.map((address) => address.address.toLowerCase()).join(','),
        canonical(input.subject ?? ''),
        canonical((input.text ?? '').slice(0, 16384)).slice(0, 4096),
      ];
      const digest = createHash('sha256').update(JSON.stringify(fields)).digest('hex');
      return input.messageId ? `mid:${input.messageId}:${digest.slice(0, 32)}` : `sha256:${digest}`;
    };
    // Words that NFKC composes, lower-cases in context (final sigma), widens or drops, around the
    // point where the text is first cut (~6,000 characters) and where the result is cut (4,096).
    const pieces = [
      'word',
      'Hello',
      'ΣΊΣΥΦΟΣ',
      'Σ',
      "Σ'.",
      'e\u0301',
      '\u0301',
      '\u1100\u1161',
      'ﬁ',
      '①',
      'ＡＢＣ',
      '\ufdfa',
      '中文',
      '😀',
      '𝐀',
      'İ',
      'ß',
      '\u00a0',
      '\u2028',
      '\u02b0',
      'ǅ',
      '\u{20000}',
      '\ud800',
      '٣',
      '"\\',
    ];
    const separators = [' ', '\n', '\r\n', '\t', '', '', '.', '-'];
    let state = 99;
    const random = (): number => (state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 400; i++) {
      let text = '';
      const length = Math.floor(random() * 20000);
      const plain = random() < 0.5;
      while (text.length < length) {
        text += plain && random() < 0.97 ? 'Some plain words ' : pieces[Math.floor(random() * pieces.length)];
        text += separators[Math.floor(random() * separators.length)];
      }
      const input = { ...BASE, subject: text.slice(0, 60), text, messageId: i % 3 === 0 ? null : BASE.messageId };
      expect(messageIdentity(input), `case ${i}`).toBe(reference(input));
    }
    // A surrogate pair cut by the 4,096-character limit, at every offset.
    for (let offset = 0; offset < 4; offset++) {
      const input = { ...BASE, text: 'a'.repeat(offset) + '\u{20000}'.repeat(3000) };
      expect(messageIdentity(input)).toBe(reference(input));
    }
  });
});
