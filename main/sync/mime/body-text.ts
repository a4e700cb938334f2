import { MailParser } from 'mailparser';

/** Cuts `text` to at most `max` UTF-16 units without splitting a surrogate pair. */
export function capText(text: string, max: number): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  let end = Math.max(0, max);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return { text: text.slice(0, end), truncated: true };
}

/** HTML characters given to the converter per character of text wanted: markup-heavy mail is ~5:1. */
const HTML_PER_TEXT_CHAR = 5;
const MIN_HTML_CHARS = 100_000;

/**
 * Plain text for a message that has HTML and no text part. mailparser only does this itself when
 * the HTML is the whole message (not for multipart/mixed or an HTML-only alternative), so the
 * conversion runs here for every case, on a prefix of the HTML sized from `maxChars`: converting
 * megabytes of markup to keep the first 200 000 characters of text would be wasted time.
 * `cut` says the HTML was longer than the prefix, so the text may be incomplete.
 */
export async function textFromHtml(
  html: string,
  maxChars: number,
): Promise<{ text: string; cut: boolean; failed: boolean }> {
  const limit = Math.max(MIN_HTML_CHARS, maxChars * HTML_PER_TEXT_CHAR);
  const input = html.length > limit ? html.slice(0, limit) : html;
  const cut = input.length < html.length;
  try {
    const text = await convertWithMailparser(input);
    if (text !== null) return { text, cut, failed: false };
  } catch {
    // fall through to the crude conversion
  }
  return { text: stripTags(input), cut, failed: true };
}

/**
 * Runs mailparser's own HTML-to-text conversion on a one-part text/html message: it carries the
 * guards mailparser puts around html-to-text (nesting depth, which would otherwise overflow the
 * stack or go quadratic), and html-to-text is not a dependency of this package. Null when
 * mailparser gives up on the HTML (textConversionError).
 */
function convertWithMailparser(html: string): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser({ skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
    let text: string | null = null;
    parser.on('data', (data) => {
      if (data.type === 'text') text = data.textConversionError ? null : (data.text ?? '');
      else data.release?.();
    });
    parser.once('end', () => resolve(text));
    parser.on('error', reject);
    parser.end(
      Buffer.concat([
        Buffer.from('Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'),
        Buffer.from(html, 'utf8'),
      ]),
    );
  });
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Last resort when the converter refuses the HTML: tags dropped, a few entities decoded. Linear. */
function stripTags(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|apos|nbsp);/g, (_, name: string) => ENTITIES[name] ?? '')
    .replace(/[ \t\r\n]+/g, ' ')
    .trim();
}
