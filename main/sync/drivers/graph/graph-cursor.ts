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
  /**
   * The start of the window the round was asked for (receivedDateTime ge, ISO), null for the whole
   * folder. Absent in cursors written before it was kept: taken to be the window of the day.
   */
  since?: string | null;
  /**
   * This round replaced one whose knowledge of deletions it cannot carry (a wider window started a
   * new round): a first round lists only what is in the folder, so mail removed before it began is
   * never reported to it. At its end the driver lists the ids the folder holds and removes the
   * stored ones it no longer has.
   */
  reconcile?: boolean;
};

export function parseGraphCursor(text: string | null, folderId: string): GraphCursor | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<GraphCursor>;
    if (
      value.v === 1 &&
      value.folderId === folderId &&
      typeof value.link === 'string' &&
      (value.phase === 'initial' || value.phase === 'delta') &&
      (value.since === undefined || value.since === null || typeof value.since === 'string') &&
      (value.reconcile === undefined || typeof value.reconcile === 'boolean')
    ) {
      return value as GraphCursor;
    }
  } catch {
    // Not ours: start over.
  }
  return null;
}

/**
 * Whether the window now wanted starts before the one the cursor's rounds were asked for (or the
 * whole folder is wanted now): a new round with the wider filter then fills in the older mail. A
 * narrower or merely later window (it rolls forward with the calendar) changes nothing.
 */
export function graphWindowWidened(cursor: GraphCursor, since: Date | null): boolean {
  if (cursor.since === undefined || cursor.since === null) return false;
  return since === null || since.getTime() < Date.parse(cursor.since);
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
