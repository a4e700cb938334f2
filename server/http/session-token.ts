import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../common/errors.js';

export const SESSION_COOKIE = 'clientele_session';

/**
 * The session token of a request: `Authorization: Bearer` (the desktop) or the HttpOnly cookie
 * (the admin pages). A cookie on a state-changing request must come from our own origin:
 * SameSite=Strict already stops cross-site sends; the Origin check covers old browsers.
 */
export function readSessionToken(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Bearer ')) return authorization.slice('Bearer '.length).trim() || undefined;
  const token = readCookie(request.headers.cookie, SESSION_COOKIE);
  if (token && request.method !== 'GET' && request.method !== 'HEAD') assertSameOrigin(request);
  return token;
}

/** One cookie of a Cookie header, by name. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return decodeURIComponent(part.slice(index + 1).trim());
  }
  return undefined;
}

function assertSameOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    host = '';
  }
  if (host !== request.headers.host) throw new AppError('FORBIDDEN', 'Cross-origin request refused.');
}

export function setSessionCookie(
  reply: FastifyReply,
  request: FastifyRequest,
  session: { token: string; expiresAt: number; now: number },
): void {
  const { token, expiresAt, now } = session;
  const maxAge = Math.max(0, Math.floor((expiresAt - now) / 1000));
  reply.header('set-cookie', cookie(request, `${SESSION_COOKIE}=${encodeURIComponent(token)}`, maxAge));
}

export function clearSessionCookie(reply: FastifyReply, request: FastifyRequest): void {
  reply.header('set-cookie', cookie(request, `${SESSION_COOKIE}=`, 0));
}

function cookie(request: FastifyRequest, nameValue: string, maxAge: number): string {
  // Secure only over TLS: on plain http://127.0.0.1 a Secure cookie would never be sent back.
  const secure = request.protocol === 'https' ? '; Secure' : '';
  return `${nameValue}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure}`;
}
