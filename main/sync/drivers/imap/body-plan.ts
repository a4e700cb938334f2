import type { MessageStructureObject } from 'imapflow';
import type { ParsedAttachment } from '../../mime/parsed-message.js';

/**
 * What to fetch of a message once its BODYSTRUCTURE is known, so that attachments stay on the
 * server (metadata only, content on demand) while the text parts come down:
 *
 * - `text`: the body after the header (BODY.PEEK[TEXT], capped). Most mail: one text part, or
 *   parts too small to be worth separate fetches. Header + text is the message as sent.
 * - `parts`: the MIME header and content of each text part (BODY.PEEK[n.MIME], BODY.PEEK[n]),
 *   put back together by assemble() into the message without its attachments, which the parser
 *   reads as it would the whole; the attachments come from the structure instead.
 */
export type BodyPlan =
  | { kind: 'text' }
  | {
      kind: 'parts';
      /** Fetch items, e.g. ['1.MIME', '1.1.MIME', '1.1'], each with its byte cap. */
      fetch: { key: string; maxLength?: number }[];
      /** The message without the skipped parts, from the header and the fetched sections. */
      assemble(header: Buffer, sections: ReadonlyMap<string, Buffer>): AssembledSource;
      /** The parts left on the server, as the store records attachments. */
      attachments: ParsedAttachment[];
    };

export type AssembledSource = {
  source: Buffer;
  /** A text part was longer than its cap, or a section the plan needs did not come back. */
  truncated: boolean;
};

/**
 * Leaves that are not text bodies add up to at least this many bytes before a message is fetched
 * part by part: below it, one BODY[TEXT] for many messages costs less than per-part requests.
 */
export const SKIP_MIN_BYTES = 32 * 1024;
/** Deeper structures are fetched whole (as text): nothing legitimate nests this far. */
const MAX_DEPTH = 8;

type Node = MessageStructureObject;

/** Plans the fetch of one message from its BODYSTRUCTURE (undefined when the server sent none). */
export function planBody(structure: Node | undefined, textMaxBytes: number): BodyPlan {
  if (!structure || !isUsable(structure, 0)) return { kind: 'text' };
  const skipped = leaves(structure).filter((leaf) => !isTextBody(leaf));
  const parents = parentTypes(structure);
  const skippedBytes = skipped.reduce((sum, leaf) => sum + (leaf.size ?? 0), 0);
  if (skippedBytes < SKIP_MIN_BYTES) return { kind: 'text' };

  const kept = leaves(structure).filter(isTextBody);
  const fetch = [
    ...multiparts(structure)
      .filter((node) => node !== structure)
      .map((node) => ({ key: `${partOf(node)}.MIME` })),
    ...kept.flatMap((leaf) => [{ key: `${partOf(leaf)}.MIME` }, { key: partOf(leaf), maxLength: textMaxBytes }]),
  ];
  return {
    kind: 'parts',
    fetch,
    attachments: skipped.map((leaf) => toAttachment(leaf, parents.get(leaf))),
    assemble: (header, sections) => assemble(structure, header, sections, textMaxBytes),
  };
}

/**
 * The message as the server holds it, less the skipped leaves and the multiparts' preambles and
 * epilogues (which no reader shows). RFC 2046 5.1.1: each body part is preceded by CRLF--boundary
 * CRLF, the last followed by CRLF--boundary--; the CRLF before a delimiter belongs to it, so a
 * part's content (BODY[n]) never includes it. Headers from BODY[HEADER] and BODY[n.MIME] include
 * the blank line that ends them.
 */
function assemble(
  root: Node,
  header: Buffer,
  sections: ReadonlyMap<string, Buffer>,
  textMaxBytes: number,
): AssembledSource {
  const chunks: Buffer[] = [header];
  let truncated = false;
  const section = (key: string): Buffer => {
    const value = sections.get(key.toLowerCase());
    if (value === undefined) truncated = true;
    return value ?? Buffer.alloc(0);
  };
  const body = (node: Node): void => {
    if (node.childNodes) {
      const delimiter = `--${node.parameters!.boundary!}`;
      for (const child of node.childNodes) {
        if (!child.childNodes && !isTextBody(child)) continue;
        chunks.push(Buffer.from(`\r\n${delimiter}\r\n`), section(`${partOf(child)}.MIME`));
        body(child);
      }
      chunks.push(Buffer.from(`\r\n${delimiter}--\r\n`));
      return;
    }
    const content = section(partOf(node));
    if ((node.size ?? 0) > textMaxBytes && content.length >= textMaxBytes) truncated = true;
    chunks.push(content);
  };
  if (root.childNodes) body(root);
  else if (isTextBody(root)) body(root);
  return { source: Buffer.concat(chunks), truncated };
}

/** Multiparts with a boundary and leaves of any type, at most MAX_DEPTH deep; no message/rfc822. */
function isUsable(node: Node, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  // An attached message's parts are numbered inside it and its header is another section: it is
  // rare enough to take the plain path (the whole message, capped).
  if (node.type === 'message/rfc822' || node.type === 'message/global') return false;
  if (node.type.startsWith('multipart/')) {
    return Boolean(node.parameters?.boundary) && (node.childNodes ?? []).every((child) => isUsable(child, depth + 1));
  }
  return !node.childNodes;
}

/** A part the reader sees as the message's text: text/plain or text/html, not an attachment. */
function isTextBody(node: Node): boolean {
  if (node.childNodes) return false;
  if (node.type !== 'text/plain' && node.type !== 'text/html') return false;
  return node.disposition !== 'attachment';
}

function leaves(node: Node): Node[] {
  return node.childNodes ? node.childNodes.flatMap(leaves) : [node];
}

function multiparts(node: Node): Node[] {
  return node.childNodes ? [node, ...node.childNodes.flatMap(multiparts)] : [];
}

/** IMAP part number; a single-part message's body is part 1 (RFC 3501 6.4.5). */
function partOf(node: Node): string {
  return node.part ?? '1';
}

/** Each node's parent's type. */
function parentTypes(root: Node): Map<Node, string> {
  const parents = new Map<Node, string>();
  for (const node of multiparts(root)) for (const child of node.childNodes ?? []) parents.set(child, node.type);
  return parents;
}

function toAttachment(node: Node, parentType: string | undefined): ParsedAttachment {
  const filename = node.dispositionParameters?.filename ?? node.parameters?.name ?? null;
  return {
    filename: filename || null,
    contentType: node.type,
    size: decodedSize(node),
    contentId: node.id ? node.id.replace(/^<|>$/g, '') : null,
    partId: partOf(node),
    // As the parser reads it (mime-tree.ts): an inline disposition, or none in a multipart/related.
    inline: node.disposition === 'inline' || (node.disposition === undefined && parentType === 'multipart/related'),
  };
}

/**
 * The size of the decoded content, estimated from the encoded size BODYSTRUCTURE reports (exact
 * once downloaded): base64 carries 3 bytes in 4 characters, in lines of 76 plus CRLF.
 */
function decodedSize(node: Node): number {
  const size = node.size ?? 0;
  if (node.encoding === 'base64') return Math.floor(((size * 76) / 78) * 0.75);
  return size;
}
