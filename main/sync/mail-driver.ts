/**
 * One interface for every mail provider (IMAP now; Gmail and Graph later). Drivers speak their
 * protocol and map their failures to the shared codes (AppError with AUTH, TEMPORARY,
 * RATE_LIMIT + retryAfterMs, NOT_FOUND, CURSOR_EXPIRED, PERMISSION); the orchestrator owns
 * checkpoints, retries, progress and health. Drivers never import each other.
 */

import type { ParsedAttachment } from './mime/parsed-message.js';

export type FolderRole = 'inbox' | 'sent' | 'drafts' | 'trash' | 'junk' | 'archive' | 'all' | 'flagged' | 'other';

export type RemoteFolder = {
  /** Provider path or id, unique per account. */
  path: string;
  name: string;
  role: FolderRole;
};

export type RemoteMessage = {
  /** Provider id within the folder (IMAP: the UID; stable only within one cursor epoch). */
  remoteId: string;
  flags: string[];
  internalDate: string | null;
  size: number;
  /**
   * The raw RFC 5322 source, possibly only its beginning (see sourceTruncated), or without the
   * parts listed in `attachments`.
   */
  source: Buffer;
  sourceTruncated: boolean;
  /** Parts left on the server (content on demand), not in `source`; the parser finds the rest. */
  attachments: ParsedAttachment[];
};

export type FlagChange = { remoteId: string; flags: string[] };

export type SyncScope = {
  /**
   * Oldest mail to fetch; null means everything. A folder's checkpoint records the window it was
   * backfilled to: a wider one later (the user chose more months, or everything) fills in the older
   * mail without fetching again what is stored. A narrower one deletes nothing; IMAP also stops a
   * backfill still running at the new bound. The window rolls forward with the calendar: that alone
   * changes nothing.
   */
  since: Date | null;
};

export type FolderChanges = {
  /**
   * The stored locations of this folder are no longer valid (IMAP UIDVALIDITY changed, a
   * provider cursor expired): drop them all before applying this page. Messages themselves are
   * kept and matched again by identity, so nothing is duplicated or lost.
   */
  reset: boolean;
  /** Newest first. */
  upserts: RemoteMessage[];
  deletes: string[];
  flagChanges: FlagChange[];
  /** Opaque; committed in the same transaction as this page's data. */
  nextCursor: string;
  /** True when another call would return more (backlog or backfill left). */
  more: boolean;
  /** Messages on the server within the scope, for progress. */
  remoteTotal: number;
  backfillComplete: boolean;
};

/** Soft limits of one page: the driver stops adding windows once either is reached. */
export type Budget = { maxMessages: number; maxBytes: number };

export type Disposable = { dispose(): Promise<void> };

export interface MailDriver {
  listFolders(): Promise<RemoteFolder[]>;
  fetchChanges(
    folder: RemoteFolder,
    cursor: string | null,
    scope: SyncScope,
    budget: Budget,
    knownRemoteIds: () => string[],
  ): Promise<FolderChanges>;
  /** Calls onChange(folderPath) when the server reports new mail or changes. */
  watch?(folders: RemoteFolder[], onChange: (folderPath: string) => void): Promise<Disposable>;
  /**
   * The decoded content of one MIME part of a message (an attachment: the sync stores only their
   * metadata). `cursor` is the folder's stored cursor: when the server's folder no longer matches
   * it (IMAP: another UIDVALIDITY), remote ids are stale and this fails with CURSOR_EXPIRED until
   * the next sync. NOT_FOUND when the message or part is gone; TOO_LARGE beyond maxBytes.
   */
  fetchPart(
    folderPath: string,
    cursor: string | null,
    remoteId: string,
    partId: string,
    maxBytes: number,
  ): Promise<Buffer>;
  /**
   * Named messages of a folder, fetched again (a sender was unblocked: their tombstones hold the
   * ids). `cursor` is the folder cursor the ids were seen under: when the server's folder no
   * longer matches it (IMAP: another UIDVALIDITY) this fails with CURSOR_EXPIRED, and the folder's
   * resync brings them instead. Ids the server no longer has are in `gone`.
   */
  fetchMessages?(
    folderPath: string,
    cursor: string | null,
    remoteIds: readonly string[],
  ): Promise<{ messages: RemoteMessage[]; gone: string[] }>;
  close(): Promise<void>;
}
