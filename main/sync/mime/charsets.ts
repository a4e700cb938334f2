import libmime from 'libmime';

// mailparser decodes bodies and encoded words with libmime, which silently falls back to UTF-8 for
// a charset it does not know (or refuses, like UTF-7). That fallback is fine for display, but the
// store should know the text may be garbled, so the same library is asked whether it knows a name.

const known = new Map<string, boolean>();

/** Whether libmime decodes this charset itself rather than falling back to UTF-8. */
export function isCharsetSupported(name: string): boolean {
  const key = name.trim().toLowerCase();
  let supported = known.get(key);
  if (supported === undefined) {
    // Creating the decode stream is how libmime resolves aliases; the stream itself is dropped.
    supported = libmime.createDecodeStream(key).supported;
    if (known.size < 1000) known.set(key, supported);
  }
  return supported;
}

/** `charset-unknown:<name>` for each distinct unsupported name, the name cut to a safe token. */
export function charsetWarnings(names: Iterable<string>): string[] {
  const warnings = new Set<string>();
  for (const name of names) {
    if (name && !isCharsetSupported(name)) {
      warnings.add(
        `charset-unknown:${name
          .toLowerCase()
          .replace(/[^a-z0-9._:+-]/g, '?')
          .slice(0, 40)}`,
      );
    }
  }
  return [...warnings];
}

/** Charset names of RFC 2047 encoded words (`=?charset*lang?Q?...?=`) in a header value. */
export function encodedWordCharsets(value: string): string[] {
  return [...value.matchAll(/=\?([^?*\s]{1,64})(?:\*[^?\s]*)?\?[bq]\?/gi)].map((match) => match[1] ?? '');
}

/**
 * Charset names declared for text/* parts anywhere in the raw message. mailparser does not expose
 * the charset of text parts, so the Content-Type fields are found in the raw bytes: every line
 * starting with `Content-Type: text/` (folded continuations included).
 */
export function declaredTextCharsets(raw: string): string[] {
  const names: string[] = [];
  for (const match of raw.matchAll(/^content-type:[ \t]*text\/[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/gim)) {
    const charset = /charset\s*=\s*"?([^";\s]{1,64})/i.exec(match[0]);
    if (charset?.[1]) names.push(charset[1]);
  }
  return names;
}
