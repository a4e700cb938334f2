/**
 * A folder's cursor: the link to ask next (relative to the API root, e.g.
 * `/me/mailFolders/ID/messages/delta?$deltatoken=...`). During a round it is the @odata.nextLink,
 * so a crash resumes at the page after the last one committed; between rounds the
 * @odata.deltaLink. https://learn.microsoft.com/en-us/graph/delta-query-messages
 */
export type GraphCursor = {
  v: 1;
  folderId: string;
  link: string;
  /** 'initial': the first round (the backfill) is not done yet. */
  phase: 'initial' | 'delta';
};

export function parseGraphCursor(text: string | null, folderId: string): GraphCursor | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<GraphCursor>;
    if (
      value.v === 1 &&
      value.folderId === folderId &&
      typeof value.link === 'string' &&
      (value.phase === 'initial' || value.phase === 'delta')
    ) {
      return value as GraphCursor;
    }
  } catch {
    // Not ours: start over.
  }
  return null;
}

/**
 * The path and query of an absolute @odata link below `apiRoot` (e.g. https://graph.microsoft.com/v1.0),
 * or null when it points elsewhere: the bearer token is never sent to another origin.
 */
export function relativeLink(link: string, apiRoot: string): string | null {
  let url: URL;
  let root: URL;
  try {
    url = new URL(link);
    root = new URL(apiRoot);
  } catch {
    return null;
  }
  const prefix = root.pathname.replace(/\/$/, '');
  if (url.origin !== root.origin || !url.pathname.startsWith(`${prefix}/`)) return null;
  return url.pathname.slice(prefix.length) + url.search;
}
