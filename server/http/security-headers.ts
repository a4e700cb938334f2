import type { FastifyReply, FastifyRequest } from 'fastify';

/** The API serves JSON only: nothing may load, frame or script it. Pages loosen `script-src` themselves. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The admin pages (server/admin-ui, a React build): scripts, styles and fonts from the server itself
 * only (no inline script, no eval, no inline styles), images also as data: URLs (icons in CSS), API
 * calls to the same origin; nothing may frame them and they post no forms.
 */
export const ADMIN_UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * OWASP secure headers on every response, errors and 404s included: set first thing by the request
 * hook (server/http/request-checks.ts), before anything can answer; a route that needs another
 * Content-Security-Policy or Cache-Control (the admin pages, their hashed assets) sets its own over it.
 * (An onSend hook did this before: a hook stage of its own on every response cost more than the
 * headers.)
 */
export function setSecurityHeaders(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('content-security-policy', API_CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cross-origin-opener-policy', 'same-origin');
  reply.header('cross-origin-resource-policy', 'same-origin');
  reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=()');
  // Nothing is cached unless a route says otherwise (the admin UI's hashed assets).
  reply.header('cache-control', 'no-store');
  if (request.protocol === 'https') reply.header('strict-transport-security', HSTS);
}
