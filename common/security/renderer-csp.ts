/**
 * The renderer's Content-Security-Policy, one source for both hosts (Electron's app:// scheme
 * and browser mode): its own origin only, no inline code, no plugins, no framing, no forms.
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');
