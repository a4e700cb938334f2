import type { FastifyReply, FastifyRequest } from 'fastify';
import { readCookie } from './session-token.js';

const PATH = '/api/auth/sso/callback';

/** One cookie per pending sign-in, so two sign-ins started in two tabs don't undo each other. */
const cookieName = (pendingId: string): string => `clientele_sso_${pendingId}`;

/**
 * The cookie that ties a pending sign-in to the browser that started it. SameSite=Lax, not Strict:
 * the callback is a top-level GET navigation coming from the IdP's site, which Lax cookies survive
 * and Strict ones don't. Only the callback path ever receives it.
 */
export function setBindingCookie(
  reply: FastifyReply,
  request: FastifyRequest,
  pendingId: string,
  value: string,
  maxAgeMs: number,
): void {
  reply.header('set-cookie', attributes(request, `${cookieName(pendingId)}=${value}`, Math.floor(maxAgeMs / 1000)));
}

export function readBindingCookie(request: FastifyRequest, pendingId: string): string | undefined {
  return readCookie(request.headers.cookie, cookieName(pendingId));
}

export function clearBindingCookie(reply: FastifyReply, request: FastifyRequest, pendingId: string): void {
  reply.header('set-cookie', attributes(request, `${cookieName(pendingId)}=`, 0));
}

function attributes(request: FastifyRequest, nameValue: string, maxAge: number): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  return `${nameValue}; Path=${PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`;
}
