/**
 * A small browser for the sign-in tests, on fetch: it keeps cookies (per host, ports shared as in
 * browsers, Path and Max-Age honoured), follows redirects one hop at a time, and fills the forms of
 * oidc-provider's development login and consent pages. SameSite is not modelled: the Chromium test
 * covers what a real browser sends.
 */

type Cookie = { name: string; value: string; path: string; expiresAt: number | null };

export type Page = {
  status: number;
  url: URL;
  body: string;
  headers: Headers;
  /** Set when `stopBefore` matched: the URL the next hop would have loaded, not loaded. */
  stoppedAt?: URL;
};

export type GoOptions = {
  /** Stop before loading a URL (e.g. the callback, to replay or tamper with it). */
  stopBefore?: (url: URL) => boolean;
  /** The account to sign in as on the IdP's login page (its `sub`). */
  login?: string;
  /** Answers "Yes, sign me out" on the IdP's sign-out page (RP-Initiated Logout). */
  confirmSignOut?: boolean;
  /** Hops at most (redirects and form posts together). */
  maxHops?: number;
};

export class UserAgent {
  private readonly jar = new Map<string, Cookie[]>();

  /** Loads a URL and follows redirects and the IdP's forms until a page that is neither. */
  async go(start: string | URL, options: GoOptions = {}): Promise<Page> {
    let next: { url: URL; init: RequestInit } = { url: new URL(start), init: { method: 'GET' } };
    for (let hop = 0; hop < (options.maxHops ?? 20); hop += 1) {
      if (options.stopBefore?.(next.url)) {
        return { status: 0, url: next.url, body: '', headers: new Headers(), stoppedAt: next.url };
      }
      const response = await this.request(next.url, next.init);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        next = { url: new URL(location, next.url), init: { method: 'GET' } };
        continue;
      }
      const body = await response.text();
      const form =
        options.login !== undefined
          ? idpForm(body, next.url, options.login)
          : options.confirmSignOut
            ? signOutForm(body, next.url)
            : undefined;
      if (response.status === 200 && form) {
        next = form;
        continue;
      }
      return { status: response.status, url: next.url, body, headers: response.headers };
    }
    throw new Error(`More than ${options.maxHops ?? 20} hops from ${String(start)}`);
  }

  /** One request with this agent's cookies, no redirect following. */
  async request(url: URL, init: RequestInit = {}): Promise<Response> {
    const cookie = this.cookieHeader(url);
    const headers = new Headers(init.headers);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.store(url, response.headers.getSetCookie());
    return response;
  }

  /** The cookies this agent would send to a URL, by name (for assertions). */
  cookies(url: string | URL): Record<string, string> {
    const header = this.cookieHeader(new URL(url));
    return Object.fromEntries(
      header
        ? header.split('; ').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])
        : [],
    );
  }

  private cookieHeader(url: URL): string {
    const now = Date.now();
    const live = (this.jar.get(url.hostname) ?? []).filter(
      (cookie) => (cookie.expiresAt === null || cookie.expiresAt > now) && pathMatches(url.pathname, cookie.path),
    );
    return live.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
  }

  private store(url: URL, setCookies: string[]): void {
    const cookies = this.jar.get(url.hostname) ?? [];
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      let path = url.pathname.slice(0, url.pathname.lastIndexOf('/')) || '/';
      let expiresAt: number | null = null;
      for (const attribute of attributes) {
        const [key = '', attributeValue = ''] = attribute.split('=');
        if (key.toLowerCase() === 'path') path = attributeValue || '/';
        if (key.toLowerCase() === 'max-age') expiresAt = Date.now() + Number(attributeValue) * 1000;
        if (key.toLowerCase() === 'expires' && expiresAt === null) expiresAt = Date.parse(attributeValue);
      }
      const kept = cookies.filter((cookie) => !(cookie.name === name && cookie.path === path));
      kept.push({ name, value, path, expiresAt });
      cookies.splice(0, cookies.length, ...kept);
    }
    this.jar.set(url.hostname, cookies);
  }
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  return requestPath.startsWith(cookiePath) && (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/');
}

/**
 * oidc-provider's development pages: a form posting `prompt=login` (fields login and password) or
 * `prompt=consent`. Anything else is not a form this agent fills.
 */
function idpForm(html: string, base: URL, login: string): { url: URL; init: RequestInit } | undefined {
  const form = /<form[^>]*action="([^"]+)"[^>]*method="post"/i.exec(html);
  const prompt = /name="prompt" value="(login|consent)"/.exec(html)?.[1];
  if (!form?.[1] || !prompt) return undefined;
  const fields = new URLSearchParams({ prompt });
  if (prompt === 'login') {
    fields.set('login', login);
    fields.set('password', 'any password: the dev login page checks none');
  }
  return formPost(form[1], base, fields);
}

/** oidc-provider's sign-out page: a form with its xsrf value, answered "yes". */
function signOutForm(html: string, base: URL): { url: URL; init: RequestInit } | undefined {
  const form =
    /<form id="op\.logoutForm" method="post" action="([^"]+)"><input type="hidden" name="xsrf" value="([^"]+)"/.exec(
      html,
    );
  if (!form?.[1] || !form[2]) return undefined;
  const fields = new URLSearchParams({ xsrf: form[2], logout: 'yes' });
  return formPost(form[1], base, fields);
}

/** The POST a browser makes for a form: its action (HTML-escaped in the page) against the page's URL. */
function formPost(action: string, base: URL, fields: URLSearchParams): { url: URL; init: RequestInit } {
  return {
    url: new URL(action.replace(/&amp;/g, '&'), base),
    init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: fields.toString() },
  };
}
