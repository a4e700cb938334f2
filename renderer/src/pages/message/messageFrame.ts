/**
 * The document of the message frame: sanitized mail HTML under its own CSP. The frame is an
 * iframe with sandbox="allow-popups allow-popups-to-escape-sandbox" (no allow-scripts, no
 * allow-same-origin, no forms, no top navigation) loaded through srcdoc, so the CSP below adds to
 * the app's own (a srcdoc document inherits its embedder's policy too).
 */

/** Directives of the mail frame: nothing may load except inline styles and data: images (and https: images once allowed). */
export function messageFrameCsp(allowRemoteImages: boolean): string {
  return [
    "default-src 'none'",
    `img-src data:${allowRemoteImages ? ' https:' : ''}`,
    "style-src 'unsafe-inline'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

// Mail is designed for a light page: the frame stays light in the dark theme, inside a card.
const FRAME_STYLE = [
  'html{color-scheme:light}',
  'body{margin:16px;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#18181b;background:#fff;overflow-wrap:anywhere}',
  'img{max-width:100%;height:auto}',
  'table{max-width:100%}',
  'a{color:#1d4ed8}',
].join('');

export function messageFrameDocument(sanitizedHtml: string, allowRemoteImages: boolean): string {
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${messageFrameCsp(allowRemoteImages)}">` +
    '<meta name="referrer" content="no-referrer">' +
    `<style>${FRAME_STYLE}</style></head><body>${sanitizedHtml}</body></html>`
  );
}

/** The iframe's sandbox: links may open a new (unsandboxed) browsing context, nothing else. */
export const MESSAGE_FRAME_SANDBOX = 'allow-popups allow-popups-to-escape-sandbox';
