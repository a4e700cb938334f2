/**
 * The renderer's Content-Security-Policy, one source for both hosts (Electron's app:// scheme
 * and browser mode): its own origin only, no inline code, no plugins, no framing, no forms.
 *
 * Two allowances exist for the message view alone. A srcdoc iframe inherits its embedder's CSP
 * (Chromium enforces both policies), so the mail frame can never be looser than this page:
 * - style-src 'unsafe-inline': mail is styled with style="" and <style>; no script can follow
 *   (script-src stays 'self', no 'unsafe-inline', no 'unsafe-eval').
 * - img-src https:: remote images of a sender the user allowed. The frame's own CSP
 *   (renderer/src/pages/message/messageFrame.ts) narrows img-src to data: until then, and the
 *   sanitizer removes remote sources before that, so nothing is even requested.
 * The app's own UI never uses either: React renders text, styles come from styles.css.
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');
