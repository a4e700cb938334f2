import { describe, expect, it } from 'vitest';
import type { MessageStructureObject } from 'imapflow';
import { planBody, SKIP_MIN_BYTES } from '../../main/sync/drivers/imap/body-plan.js';
import { uidSet } from '../../main/sync/drivers/imap/imap-driver.js';

const text = (part: string, extra: Partial<MessageStructureObject> = {}): MessageStructureObject => ({
  part,
  type: 'text/plain',
  parameters: { charset: 'utf-8' },
  encoding: '7bit',
  size: 100,
  ...extra,
});
const pdf = (part: string, size = SKIP_MIN_BYTES): MessageStructureObject => ({
  part,
  type: 'application/pdf',
  parameters: { name: 'a.pdf' },
  encoding: 'base64',
  size,
  disposition: 'attachment',
  dispositionParameters: { filename: 'a.pdf' },
});
const mixed = (children: MessageStructureObject[], part?: string): MessageStructureObject => ({
  ...(part ? { part } : {}),
  type: 'multipart/mixed',
  parameters: { boundary: `b${part ?? 0}` },
  childNodes: children,
});

describe('planBody', () => {
  it('fetches BODY[TEXT] when the server sent no structure, or what it would skip is small', () => {
    expect(planBody(undefined, 1000).kind).toBe('text');
    expect(planBody(text('1'), 1000).kind).toBe('text');
    expect(planBody(mixed([text('1'), pdf('2', SKIP_MIN_BYTES - 1)]), 1000).kind).toBe('text');
  });

  it('fetches whole what it cannot rebuild: attached messages, multiparts without a boundary, deep nesting', () => {
    const attached = { part: '2', type: 'message/rfc822', size: 10 * SKIP_MIN_BYTES };
    expect(planBody(mixed([text('1'), pdf('3'), attached]), 1000).kind).toBe('text');
    const noBoundary = { ...mixed([text('1'), pdf('2')]), parameters: {} };
    expect(planBody(noBoundary, 1000).kind).toBe('text');
    let deep: MessageStructureObject = mixed([text('1.1.1.1.1.1.1.1.1.1'), pdf('1.1.1.1.1.1.1.1.1.2')]);
    for (let depth = 0; depth < 9; depth++) deep = mixed([deep]);
    expect(planBody(deep, 1000).kind).toBe('text');
  });

  it('fetches the text parts and their MIME headers, and lists the rest as attachments', () => {
    const plan = planBody(mixed([mixed([text('1.1'), text('1.2', { type: 'text/html' })], '1'), pdf('2')]), 500);
    if (plan.kind !== 'parts') throw new Error('expected a parts plan');
    expect(plan.fetch).toEqual([
      { key: '1.MIME' },
      { key: '1.1.MIME' },
      { key: '1.1', maxLength: 500 },
      { key: '1.2.MIME' },
      { key: '1.2', maxLength: 500 },
    ]);
    expect(plan.attachments).toEqual([
      {
        filename: 'a.pdf',
        contentType: 'application/pdf',
        size: Math.floor(((SKIP_MIN_BYTES * 76) / 78) * 0.75),
        contentId: null,
        partId: '2',
        inline: false,
      },
    ]);
    const sections = new Map([
      ['1.mime', Buffer.from('Content-Type: multipart/alternative; boundary="b1"\r\n\r\n')],
      ['1.1.mime', Buffer.from('Content-Type: text/plain\r\n\r\n')],
      ['1.1', Buffer.from('plain')],
      ['1.2.mime', Buffer.from('Content-Type: text/html\r\n\r\n')],
      ['1.2', Buffer.from('<p>html</p>')],
    ]);
    const { source, truncated } = plan.assemble(Buffer.from('Subject: x\r\n\r\n'), sections);
    expect(truncated).toBe(false);
    expect(source.toString()).toBe(
      [
        'Subject: x',
        '',
        '',
        '--b0',
        'Content-Type: multipart/alternative; boundary="b1"',
        '',
        '',
        '--b1',
        'Content-Type: text/plain',
        '',
        'plain',
        '--b1',
        'Content-Type: text/html',
        '',
        '<p>html</p>',
        '--b1--',
        '',
        '--b0--',
        '',
      ].join('\r\n'),
    );
  });

  it('says the source is short when a section is missing or a text part hit its cap', () => {
    const plan = planBody(mixed([text('1', { size: 2000 }), pdf('2')]), 500);
    if (plan.kind !== 'parts') throw new Error('expected a parts plan');
    const header = Buffer.from('Subject: x\r\n\r\n');
    expect(plan.assemble(header, new Map([['1.mime', Buffer.from('\r\n')]])).truncated).toBe(true);
    const capped = new Map([
      ['1.mime', Buffer.from('\r\n')],
      ['1', Buffer.alloc(500, 0x61)],
    ]);
    expect(plan.assemble(header, capped).truncated).toBe(true);
  });

  it('lists a message that is one large attachment as part 1, with nothing to fetch', () => {
    const plan = planBody({ ...pdf('1'), part: undefined }, 500);
    if (plan.kind !== 'parts') throw new Error('expected a parts plan');
    expect(plan.fetch).toEqual([]);
    expect(plan.attachments).toMatchObject([{ partId: '1', filename: 'a.pdf' }]);
    expect(plan.assemble(Buffer.from('Subject: x\r\n\r\n'), new Map()).source.toString()).toBe('Subject: x\r\n\r\n');
  });
});

describe('uidSet', () => {
  it('packs UIDs into ranges, in order', () => {
    expect(uidSet([12, 3, 4, 5, 9, 11])).toBe('3:5,9,11:12');
    expect(uidSet([7])).toBe('7');
  });
});
