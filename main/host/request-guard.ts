import { timingSafeEqual } from 'node:crypto';

/**
 * Browser mode listens on 127.0.0.1, where any web page the user visits can send requests.
 * The Host check defeats DNS rebinding (evil.example resolving to 127.0.0.1 still sends
 * Host: evil.example); the Origin check defeats cross-site POSTs; the session cookie proves the
 * request comes from the browser that opened the per-launch link.
 */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function isAllowedHost(hostHeader: string | undefined, port: number): boolean {
  return hostHeader !== undefined && allowedHosts(port).has(hostHeader.toLowerCase());
}

export function isAllowedOrigin(originHeader: string | undefined, port: number): boolean {
  if (originHeader === undefined) return false;
  return [...allowedHosts(port)].some((host) => originHeader.toLowerCase() === `http://${host}`);
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index <= 0) continue;
    cookies.set(part.slice(0, index).trim(), part.slice(index + 1).trim());
  }
  return cookies;
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
