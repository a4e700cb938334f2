import type { FetchMessageObject, ImapFlow, MailboxObject, MessageStructureObject } from 'imapflow';
import type { Readable } from 'node:stream';
import { AppError } from '../../../../common/errors.js';
import type { Logger } from '../../../util/logger.js';
import type {
  Budget,
  Disposable,
  FlagChange,
  FolderChanges,
  MailDriver,
  RemoteFolder,
  RemoteMessage,
  SyncScope,
} from '../../mail-driver.js';
import { planBody, SKIP_MIN_BYTES, type BodyPlan } from './body-plan.js';
import { folderRole } from './folder-roles.js';
import {
  closeConnection,
  openImapConnection,
  type ImapAccountConfig,
  type ImapConnectionOptions,
  type ImapCredentials,
} from './imap-connection.js';
import { parseImapCursor, windowMoved, type ImapCursor } from './imap-cursor.js';
import { mapImapError } from './imap-errors.js';
import { newMailOnPushConnection } from './imap-push-fetch.js';
import { watchMailbox, type MailboxWatch } from './imap-watch.js';

export type ImapDriverOptions = ImapConnectionOptions & {
  /**
   * Bytes of each message's text fetched for parsing (of BODY[TEXT], or of each text part of a
   * message whose attachments stay on the server).
   */
  sourceMaxBytes?: number;
};

const DEFAULT_SOURCE_MAX_BYTES = 256 * 1024;

/** What a page reads of the selected mailbox. */
type MailboxFigures = Pick<MailboxObject, 'uidValidity' | 'uidNext' | 'exists' | 'highestModseq'>;

/**
 * The mailbox a page was fetched from, as the SELECT (EXAMINE) reported it, kept so that the next
 * page of the same folder can go on in it: re-selecting costs the server real work per page (Dovecot
 * reads the whole folder's index and UID list: ~30 ms for 20,000 messages, half of its CPU time in
 * an initial sync of a large account).
 */
type Selection = {
  client: ImapFlow;
  /** imapflow's object for the selected mailbox: a new SELECT or a CLOSE replaces it. */
  mailbox: MailboxObject;
  /** Its figures at SELECT time (imapflow updates `exists` as the server reports changes). */
  uidValidity: bigint;
  uidNext: number;
  exists: number;
  highestModseq: bigint | undefined;
  /** When the SELECT was made: a selection older than SELECTION_REUSE_MS is not reused. */
  selectedAt: number;
  /** The last page fetched in it left more to fetch (backfill or a backlog of new mail). */
  continuing: boolean;
};

/**
 * How long a selection may serve further pages of one pass. The server reports new mail to a
 * selected but quiet connection only at its next command, so a kept selection can miss mail that
 * arrived since: it is kept only while a pass goes on (the previous page said `more`), for a few
 * seconds at most, and dropped as soon as the push connection reports a change in that folder.
 */
const SELECTION_REUSE_MS = 3000;

/**
 * MailDriver over IMAP (imapflow). One sync connection, opened lazily and replaced when it
 * breaks; push runs on its own connection (see watch()).
 *
 * Per folder: the first pages walk UIDs downwards from the newest in windows (newest mail shows
 * first); later pages fetch UIDs above `top` (new mail), flag changes since HIGHESTMODSEQ
 * (CONDSTORE) and expunges (QRESYNC VANISHED on SELECT, else a UID SEARCH against the stored ids).
 */
export class ImapDriver implements MailDriver {
  private client: ImapFlow | null = null;
  private selection: Selection | null = null;
  private readonly sourceMaxBytes: number;
  /** The push connection (watch()), while it is up. */
  private watching: { path: string; watch: MailboxWatch } | null = null;
  /**
   * Folders the push connection reported new mail in since their last page: their next page may
   * fetch it on that connection (see newMailOnPushConnection)...
   */
  private readonly pushedNewMail = new Set<string>();
  /** ...unless it also reported expunges or flag changes, or reconnected: those need a SELECT. */
  private readonly pushedOther = new Set<string>();

  constructor(
    private readonly config: ImapAccountConfig,
    private readonly credentials: ImapCredentials,
    private readonly log: Logger,
    private readonly options: ImapDriverOptions = {},
  ) {
    this.sourceMaxBytes = options.sourceMaxBytes ?? DEFAULT_SOURCE_MAX_BYTES;
  }

  /** Logs in once to prove the settings work (used before an account is saved). */
  async verify(): Promise<void> {
    await this.connection();
  }

  async listFolders(): Promise<RemoteFolder[]> {
    return this.withConnection(async (client) => {
      const list = await client.list();
      return list
        .filter((entry) => !entry.flags.has('\\Noselect') && !entry.flags.has('\\NonExistent'))
        .map((entry) => ({ path: entry.path, name: entry.name, role: folderRole(entry.path, entry.specialUse) }));
    });
  }

  async fetchChanges(
    folder: RemoteFolder,
    cursorText: string | null,
    scope: SyncScope,
    budget: Budget,
    knownRemoteIds: () => string[],
  ): Promise<FolderChanges> {
    const pushed = await this.pushedChanges(folder.path, cursorText, scope, budget);
    if (pushed) return pushed;
    return this.withConnection((client) => this.changesOf(client, folder, cursorText, scope, budget, knownRemoteIds));
  }

  /**
   * The page of a folder the push connection reported only new mail in since its last page:
   * fetched there, without a SELECT on the sync connection. Null when that does not apply or
   * fails (the caller then does a full page, which covers the new mail too).
   */
  private async pushedChanges(
    path: string,
    cursorText: string | null,
    scope: SyncScope,
    budget: Budget,
  ): Promise<FolderChanges | null> {
    const onlyNewMail = this.pushedNewMail.has(path) && !this.pushedOther.has(path);
    // Taken before any await: a report arriving from here on asks for a page after this one.
    this.pushedNewMail.delete(path);
    this.pushedOther.delete(path);
    const watching = this.watching;
    if (!onlyNewMail || watching?.path !== path) return null;
    try {
      return await watching.watch.use((client) =>
        newMailOnPushConnection(client, path, cursorText, scope, budget, (on, uids) =>
          this.fetchUids(on, uidSet(uids), new Set(uids)),
        ),
      );
    } catch (error) {
      this.log.debug({ path, err: error }, 'new mail not fetched on the push connection; full page instead');
      return null;
    }
  }

  async watch(folders: RemoteFolder[], onChange: (folderPath: string) => void): Promise<Disposable> {
    const inbox = folders.find((folder) => folder.role === 'inbox') ?? folders[0];
    if (!inbox) return { dispose: async () => undefined };
    const watch = await watchMailbox({
      path: inbox.path,
      open: () => openImapConnection(this.config, this.credentials, this.log, this.options),
      onChange: (folderPath, event) => {
        if (this.selection?.mailbox.path === folderPath) this.selection = null;
        (event === 'exists' ? this.pushedNewMail : this.pushedOther).add(folderPath);
        onChange(folderPath);
      },
      log: this.log,
    });
    const watching = { path: inbox.path, watch };
    this.watching = watching;
    return {
      dispose: async () => {
        if (this.watching === watching) this.watching = null;
        await watch.dispose();
      },
    };
  }

  async fetchPart(
    folderPath: string,
    cursorText: string | null,
    remoteId: string,
    partId: string,
    maxBytes: number,
  ): Promise<Buffer> {
    return this.withConnection(async (client) => {
      const lock = await client.getMailboxLock(folderPath, { readOnly: true });
      try {
        const cursor = parseImapCursor(cursorText);
        const mailbox = client.mailbox;
        if (!cursor || !mailbox || String(mailbox.uidValidity) !== cursor.uidValidity) {
          throw new AppError('CURSOR_EXPIRED', `${folderPath} changed on the server; sync it, then try again.`);
        }
        // Raw bytes of the part (transfer encoding removed, no charset conversion): a file as sent.
        const download = await client.download(remoteId, partId, { uid: true, decodeText: false });
        if (!download.content) throw new AppError('NOT_FOUND', `The message is no longer in ${folderPath}.`);
        return await readAtMost(download.content, maxBytes);
      } finally {
        lock.release();
      }
    });
  }

  async fetchMessages(
    folderPath: string,
    cursorText: string | null,
    remoteIds: readonly string[],
  ): Promise<{ messages: RemoteMessage[]; gone: string[] }> {
    return this.withConnection(async (client) => {
      // Its own selection (like fetchPart): the sync's kept selection is not reused after this.
      this.selection = null;
      const lock = await client.getMailboxLock(folderPath, { readOnly: true });
      try {
        const cursor = parseImapCursor(cursorText);
        const mailbox = client.mailbox;
        if (!cursor || !mailbox || String(mailbox.uidValidity) !== cursor.uidValidity) {
          throw new AppError('CURSOR_EXPIRED', `${folderPath} changed on the server; its resync brings the mail.`);
        }
        const uids = [...new Set(remoteIds.map(Number))].filter((uid) => Number.isInteger(uid) && uid > 0);
        const messages = await this.fetchUids(client, uidSet(uids.sort((a, b) => a - b)), new Set(uids));
        const found = new Set(messages.map((message) => message.remoteId));
        return { messages, gone: remoteIds.filter((id) => !found.has(id)) };
      } finally {
        lock.release();
      }
    });
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.selection = null;
    await closeConnection(client);
  }

  private async connection(): Promise<ImapFlow> {
    if (this.client?.usable) return this.client;
    this.client?.close();
    this.client = await openImapConnection(this.config, this.credentials, this.log, this.options);
    return this.client;
  }

  private async withConnection<T>(work: (client: ImapFlow) => Promise<T>): Promise<T> {
    const client = await this.connection();
    try {
      return await work(client);
    } catch (error) {
      // A broken connection is dropped so the next call starts fresh; the cursor was not advanced.
      if (!client.usable) {
        client.close();
        if (this.client === client) this.client = null;
      }
      throw mapImapError(error, this.config.host);
    }
  }

  private async changesOf(
    client: ImapFlow,
    folder: RemoteFolder,
    cursorText: string | null,
    scope: SyncScope,
    budget: Budget,
    knownRemoteIds: () => string[],
  ): Promise<FolderChanges> {
    const previous = parseImapCursor(cursorText);
    const { mailbox, vanished, flagEvents } = await this.select(client, folder.path, previous);
    const uidValidity = String(mailbox.uidValidity);
    const modseq = mailbox.highestModseq === undefined ? null : String(mailbox.highestModseq);
    const valid = previous !== null && previous.uidValidity === uidValidity;
    const cursor = valid ? { ...previous } : await this.initialCursor(client, mailbox, modseq, scope, budget);
    if (valid && windowMoved(cursor, scope.since?.getTime() ?? null))
      await this.rescope(client, cursor, mailbox, scope);

    const upserts: RemoteMessage[] = [];
    const deletes: string[] = [];
    const flagChanges: FlagChange[] = [];
    let newMailLeft = false;
    if (valid) {
      deletes.push(...(await this.deletesSince(client, previous, vanished, knownRemoteIds)));
      flagChanges.push(...(await this.flagChangesSince(client, previous, modseq, flagEvents)));
      const topNow = mailbox.uidNext - 1;
      if (topNow > cursor.top) {
        const hi = Math.min(topNow, cursor.top + budget.maxMessages);
        upserts.push(...(await this.fetchRange(client, cursor.top + 1, hi)));
        cursor.remoteTotal += upserts.length;
        cursor.top = hi;
        newMailLeft = hi < topNow;
      }
      cursor.remoteTotal = Math.max(0, cursor.remoteTotal - deletes.length);
    }

    let bytes = upserts.reduce((sum, message) => sum + message.source.length, 0);
    while (upserts.length < budget.maxMessages && bytes < budget.maxBytes && cursor.bottom > cursor.floor) {
      const hi = cursor.bottom - 1;
      const lo = Math.max(cursor.floor, hi - cursor.span + 1);
      const window = await this.fetchRange(client, lo, hi);
      cursor.bottom = lo;
      upserts.push(...window);
      bytes += window.reduce((sum, message) => sum + message.source.length, 0);
      // UIDs can be sparse after many deletions: widen the window when it comes back thin.
      if (window.length < budget.maxMessages / 2) cursor.span = Math.min(cursor.span * 2, 1_000_000);
      else if (window.length > budget.maxMessages) cursor.span = Math.max(1, Math.floor(cursor.span / 2));
    }
    if (modseq !== null) cursor.highestModseq = modseq;
    if (!scope.since) cursor.remoteTotal = mailbox.exists;

    const backfillComplete = cursor.bottom <= cursor.floor;
    if (this.selection) this.selection.continuing = newMailLeft || !backfillComplete;
    return {
      reset: previous !== null && !valid,
      upserts,
      deletes,
      flagChanges,
      nextCursor: JSON.stringify(cursor),
      more: newMailLeft || !backfillComplete,
      remoteTotal: cursor.remoteTotal,
      backfillComplete,
    };
  }

  /**
   * EXAMINE (read-only: syncing never marks mail as read). With QRESYNC and a known cursor the
   * server reports what vanished and which flags changed since HIGHESTMODSEQ during the SELECT.
   *
   * The next page of the folder last selected goes on in that selection instead, when that is
   * sure to lose nothing: while a pass goes on (see SELECTION_REUSE_MS), with QRESYNC, on the same
   * connection, the folder still selected, the cursor the one that selection's previous page left
   * (same UIDVALIDITY, same HIGHESTMODSEQ), and no message added or expunged since as far as the
   * server reported (imapflow counts those in `exists`). What the selection misses is not lost:
   * the cursor keeps the UIDNEXT and HIGHESTMODSEQ of the SELECT, so the next real SELECT
   * (QRESYNC since then) reports it.
   */
  private async select(client: ImapFlow, path: string, previous: ImapCursor | null) {
    const vanished: number[] = [];
    const flagEvents = new Map<number, string[]>();
    const kept = this.selection;
    if (
      kept &&
      kept.continuing &&
      Date.now() - kept.selectedAt < SELECTION_REUSE_MS &&
      kept.client === client &&
      client.mailbox === kept.mailbox &&
      kept.mailbox.path === path &&
      kept.mailbox.exists === kept.exists &&
      client.enabled.has('QRESYNC') &&
      kept.highestModseq !== undefined &&
      previous !== null &&
      previous.uidValidity === String(kept.uidValidity) &&
      previous.highestModseq === String(kept.highestModseq)
    ) {
      const mailbox: MailboxFigures = {
        uidValidity: kept.uidValidity,
        uidNext: kept.uidNext,
        exists: kept.exists,
        highestModseq: kept.highestModseq,
      };
      return { mailbox, vanished, flagEvents };
    }
    this.selection = null;
    const onExpunge = (event: { path: string; uid?: number; vanished: boolean }): void => {
      if (event.path === path && event.uid !== undefined) vanished.push(event.uid);
    };
    const onFlags = (event: { path: string; uid?: number; flags: Set<string> }): void => {
      if (event.path === path && event.uid !== undefined) flagEvents.set(event.uid, [...event.flags]);
    };
    if (client.mailbox) await client.mailboxClose();
    client.on('expunge', onExpunge);
    client.on('flags', onFlags);
    try {
      const resync =
        previous?.highestModseq && client.enabled.has('QRESYNC')
          ? { uidValidity: previous.uidValidity, changedSince: previous.highestModseq }
          : {};
      const mailbox = await client.mailboxOpen(path, { readOnly: true, ...resync });
      this.selection = {
        client,
        mailbox,
        uidValidity: mailbox.uidValidity,
        uidNext: mailbox.uidNext,
        exists: mailbox.exists,
        highestModseq: mailbox.highestModseq,
        selectedAt: Date.now(),
        continuing: false,
      };
      return { mailbox, vanished, flagEvents };
    } finally {
      client.off('expunge', onExpunge);
      client.off('flags', onFlags);
    }
  }

  private async initialCursor(
    client: ImapFlow,
    mailbox: MailboxFigures,
    modseq: string | null,
    scope: SyncScope,
    budget: Budget,
  ): Promise<ImapCursor> {
    const top = mailbox.uidNext - 1;
    const { floor, remoteTotal } = await this.windowOf(client, mailbox, scope);
    return {
      v: 1,
      uidValidity: String(mailbox.uidValidity),
      highestModseq: modseq,
      top,
      bottom: top + 1,
      floor,
      span: budget.maxMessages,
      remoteTotal,
      since: scope.since?.getTime() ?? null,
    };
  }

  /**
   * The lowest UID of the scope's window (UIDs from there up are fetched; above the last UID when
   * the window holds nothing) and how many messages it holds. SEARCH SINCE compares INTERNALDATE by
   * day (RFC 9051 6.4.4): UIDs follow arrival, so a few older messages between them come too.
   */
  private async windowOf(
    client: ImapFlow,
    mailbox: MailboxFigures,
    scope: SyncScope,
  ): Promise<{ floor: number; remoteTotal: number }> {
    const above = mailbox.uidNext;
    if (mailbox.exists === 0) return { floor: above, remoteTotal: 0 };
    if (!scope.since) return { floor: 1, remoteTotal: mailbox.exists };
    const uids = (await client.search({ since: scope.since }, { uid: true })) || [];
    return { floor: uids.reduce((min, uid) => (uid < min ? uid : min), above), remoteTotal: uids.length };
  }

  /**
   * The window changed since the checkpoint's floor was set (see windowMoved): the floor follows it.
   * Lower (wider window), the backfill goes on below `bottom`, newest first, without fetching again
   * what is stored; higher (narrower), a backfill still running stops at the new bound, and what is
   * stored stays.
   */
  private async rescope(
    client: ImapFlow,
    cursor: ImapCursor,
    mailbox: MailboxFigures,
    scope: SyncScope,
  ): Promise<void> {
    const { floor, remoteTotal } = await this.windowOf(client, mailbox, scope);
    cursor.floor = Math.min(floor, cursor.top + 1);
    cursor.remoteTotal = remoteTotal;
    cursor.since = scope.since?.getTime() ?? null;
  }

  private async deletesSince(
    client: ImapFlow,
    previous: ImapCursor,
    vanished: number[],
    knownRemoteIds: () => string[],
  ): Promise<string[]> {
    if (previous.highestModseq && client.enabled.has('QRESYNC')) return vanished.map(String);
    // Without QRESYNC: whatever we hold that the server no longer lists was expunged.
    const onServer = new Set((await client.search({ all: true }, { uid: true })) || []);
    return knownRemoteIds().filter((id) => !onServer.has(Number(id)));
  }

  private async flagChangesSince(
    client: ImapFlow,
    previous: ImapCursor,
    modseq: string | null,
    flagEvents: Map<number, string[]>,
  ): Promise<FlagChange[]> {
    if (previous.top < previous.bottom) return [];
    const inRange = (uid: number): boolean => uid >= previous.bottom && uid <= previous.top;
    if (previous.highestModseq && client.enabled.has('QRESYNC')) {
      return [...flagEvents].filter(([uid]) => inRange(uid)).map(([uid, flags]) => ({ remoteId: String(uid), flags }));
    }
    if (previous.highestModseq && modseq && modseq === previous.highestModseq) return [];
    const changes: FlagChange[] = [];
    const options = previous.highestModseq
      ? { uid: true, changedSince: BigInt(previous.highestModseq) }
      : { uid: true };
    for await (const message of client.fetch(
      `${previous.bottom}:${previous.top}`,
      { uid: true, flags: true },
      options,
    )) {
      if (inRange(message.uid)) changes.push({ remoteId: String(message.uid), flags: [...(message.flags ?? [])] });
    }
    return changes;
  }

  /**
   * The messages with UIDs lo..hi, newest first, in two steps: flags, dates, sizes and the header
   * of each (BODYSTRUCTURE too for the few large enough to need it, see structuresOf); then the
   * text of each, as planned from its structure (body-plan.ts): attachments stay on the server,
   * known by their metadata and fetched on demand.
   */
  private async fetchRange(client: ImapFlow, lo: number, hi: number): Promise<RemoteMessage[]> {
    if (hi < lo) return [];
    // "lo:hi" with hi above the last UID also matches the last message: keep the range exact.
    return this.fetchUids(client, `${lo}:${hi}`, (uid) => uid >= lo && uid <= hi);
  }

  /** The messages of a UID set that `keep` accepts, newest first (see fetchRange). */
  private async fetchUids(
    client: ImapFlow,
    set: string,
    keep: ReadonlySet<number> | ((uid: number) => boolean),
  ): Promise<RemoteMessage[]> {
    const accepts = typeof keep === 'function' ? keep : (uid: number) => keep.has(uid);
    if (set === '') return [];
    const heads: FetchMessageObject[] = [];
    const query = { uid: true, flags: true, internalDate: true, size: true, headers: true };
    for await (const message of client.fetch(set, query, { uid: true })) {
      if (!accepts(message.uid)) continue;
      heads.push(message);
    }
    const structures = await this.structuresOf(client, heads);
    const plans = new Map(heads.map((head) => [head.uid, planBody(structures.get(head.uid), this.sourceMaxBytes)]));
    const sections = await this.fetchSections(client, plans);
    return heads
      .map((head) => toRemoteMessage(head, plans.get(head.uid)!, sections.get(head.uid) ?? new Map()))
      .sort((a, b) => Number(b.remoteId) - Number(a.remoteId));
  }

  /**
   * BODYSTRUCTURE of the messages that may have attachments worth leaving on the server. A message
   * smaller than SKIP_MIN_BYTES in all cannot (its parts add up to less), so its plan is `text`
   * whatever its structure: most mail, whose structure is not fetched at all. imapflow parses
   * BODYSTRUCTURE on the core's thread, which sets the pace of an initial sync: the first step of
   * 10,000 messages cost 0.9-1.15 s of CPU with it and 0.7-0.8 s without (warm; the first pass of a
   * process, parser still cold, 2.1-2.6 s against 0.9-1.2 s). A message without a size (the server
   * sent none) has its structure fetched. The cost: one more FETCH in a window that has large mail.
   */
  private async structuresOf(
    client: ImapFlow,
    heads: readonly FetchMessageObject[],
  ): Promise<Map<number, MessageStructureObject>> {
    const structures = new Map<number, MessageStructureObject>();
    const large = heads
      .filter((head) => !(head.size !== undefined && head.size < SKIP_MIN_BYTES))
      .map((head) => head.uid);
    if (large.length === 0) return structures;
    const wanted = new Set(large);
    for await (const message of client.fetch(uidSet(large), { uid: true, bodyStructure: true }, { uid: true })) {
      if (wanted.has(message.uid) && message.bodyStructure) structures.set(message.uid, message.bodyStructure);
    }
    return structures;
  }

  /**
   * Fetches the sections the plans name, one FETCH per distinct list of sections (most mail
   * shares one: BODY[TEXT]). A message expunged meanwhile comes back without them.
   */
  private async fetchSections(
    client: ImapFlow,
    plans: ReadonlyMap<number, BodyPlan>,
  ): Promise<Map<number, Map<string, Buffer>>> {
    const groups = new Map<string, { items: { key: string; maxLength?: number }[]; uids: number[] }>();
    for (const [uid, plan] of plans) {
      const items = plan.kind === 'text' ? [{ key: 'TEXT', maxLength: this.sourceMaxBytes }] : plan.fetch;
      if (items.length === 0) continue;
      const key = JSON.stringify(items);
      const group = groups.get(key) ?? { items, uids: [] };
      group.uids.push(uid);
      groups.set(key, group);
    }
    const sections = new Map<number, Map<string, Buffer>>();
    for (const { items, uids } of groups.values()) {
      for await (const message of client.fetch(uidSet(uids), { uid: true, bodyParts: items }, { uid: true })) {
        if (plans.has(message.uid)) sections.set(message.uid, message.bodyParts ?? new Map<string, Buffer>());
      }
    }
    return sections;
  }
}

/** All of a stream, failing with TOO_LARGE (and stopping the stream) beyond `maxBytes`. */
async function readAtMost(stream: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      stream.destroy();
      throw new AppError('TOO_LARGE', `The attachment is larger than ${Math.round(maxBytes / 1024 / 1024)} MB.`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** "3:5,9,11:12" for [3, 4, 5, 9, 11, 12] (any order). */
export function uidSet(uids: readonly number[]): string {
  const sorted = [...uids].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    ranges.push(i === j ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return ranges.join(',');
}

function toRemoteMessage(
  head: FetchMessageObject,
  plan: BodyPlan,
  sections: ReadonlyMap<string, Buffer>,
): RemoteMessage {
  const header = head.headers ?? Buffer.alloc(0);
  const date = head.internalDate;
  const base = {
    remoteId: String(head.uid),
    flags: [...(head.flags ?? [])],
    internalDate: date === undefined ? null : new Date(date).toISOString(),
  };
  if (plan.kind === 'text') {
    const text = sections.get('text');
    const source = text ? Buffer.concat([header, text]) : header;
    const size = head.size ?? source.length;
    return { ...base, size, source, sourceTruncated: size > source.length, attachments: [] };
  }
  const { source, truncated } = plan.assemble(header, sections);
  return {
    ...base,
    size: head.size ?? source.length,
    source,
    sourceTruncated: truncated,
    attachments: plan.attachments,
  };
}
