import type { FastifyReply } from 'fastify';

/** No script: these pages only say what happened and link on. */
const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The small page a browser sees at the end of a sign-in step: an error with a way to start again, or
 * "signed in" followed by a refresh to where the sign-in leads. The refresh is a navigation from our
 * own page, so the SameSite=Strict session cookie goes with it; a 303 at the end of the IdP's redirect
 * chain would count as cross-site and arrive without it.
 */
export function sendSsoPage(
  reply: FastifyReply,
  status: number,
  page: { title: string; message: string; next?: { href: string; label: string; refresh?: boolean } },
): FastifyReply {
  const { title, message, next } = page;
  const refresh = next?.refresh ? `<meta http-equiv="refresh" content="0; url=${escapeHtml(next.href)}">` : '';
  const link = next ? `<p><a href="${escapeHtml(next.href)}">${escapeHtml(next.label)}</a></p>` : '';
  return reply
    .status(status)
    .header('content-security-policy', PAGE_CSP)
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Clientele: ${escapeHtml(title)}</title>` +
        `<meta name="viewport" content="width=device-width, initial-scale=1">${refresh}` +
        '<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2937}</style>' +
        `</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${link}</body></html>`,
    );
}
