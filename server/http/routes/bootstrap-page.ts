import type { FastifyInstance } from 'fastify';

/**
 * The page the one-time setup link opens: the first admin picks an email and a password. The
 * token travels in the URL fragment (#token=...), which browsers never send to a server, so it
 * lands in no access log or Referer. The full admin UI replaces this page later.
 */
const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Clientele server setup</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem}
label{display:block;margin:1rem 0 .25rem}input{width:100%;padding:.5rem;box-sizing:border-box}
button{margin-top:1.5rem;padding:.5rem 1rem}#message{margin-top:1rem}</style></head>
<body><h1>Create the first admin</h1>
<form id="setup"><label for="email">Email</label><input id="email" type="email" autocomplete="username" required>
<label for="password">Password (15 characters or more is best)</label>
<input id="password" type="password" autocomplete="new-password" minlength="8" required>
<button type="submit">Create admin</button></form><p id="message" role="status"></p>
<script src="/setup.js"></script></body></html>`;

const SCRIPT = `'use strict';
const token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
history.replaceState(null, '', location.pathname);
const message = document.getElementById('message');
document.getElementById('setup').addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = { token, email: document.getElementById('email').value, password: document.getElementById('password').value };
  const response = await fetch('/api/auth/bootstrap', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const result = await response.json();
  message.textContent = result.ok ? 'Done: you are the admin and signed in as ' + result.value.user.email + '.' : result.error.message;
  if (result.ok) document.getElementById('setup').remove();
});
`;

export function registerBootstrapPage(app: FastifyInstance): void {
  app.get('/setup', async (_request, reply) =>
    reply.header('content-security-policy', PAGE_CSP).type('text/html; charset=utf-8').send(PAGE),
  );
  app.get('/setup.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(SCRIPT));
}
