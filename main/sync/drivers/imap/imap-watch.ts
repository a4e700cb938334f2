import type { ImapFlow } from 'imapflow';
import { isAppError } from '../../../../common/errors.js';
import type { Logger } from '../../../util/logger.js';
import type { Disposable } from '../../mail-driver.js';
import { backoffDelay } from '../../backoff.js';
import { closeConnection } from './imap-connection.js';

/**
 * What the push connection saw: only new mail ('exists'), or anything else (expunges, flag
 * changes, a reconnect after which anything may have happened), which only a resync finds.
 */
export type WatchEvent = 'exists' | 'other';

export type WatchOptions = {
  path: string;
  open: () => Promise<ImapFlow>;
  onChange: (path: string, event: WatchEvent) => void;
  log: Logger;
};

export type MailboxWatch = Disposable & {
  /**
   * Runs `work` on the push connection, which has the mailbox selected already (a SELECT of a large
   * mailbox costs the server tens of ms, more than fetching a new message), then goes back to IDLE.
   * Null when that connection is not up (reconnecting, disposed). Changes the server reports
   * during `work` reach onChange as usual.
   */
  use<T>(work: (client: ImapFlow) => Promise<T>): Promise<T | null>;
};

/**
 * Push for one mailbox on its own connection: IDLE where the server has it (imapflow falls back
 * to NOOP polling otherwise and re-issues IDLE before RFC 2177's 29 minutes via maxIdleTime).
 * A dropped connection (network change, sleep, server restart) reconnects with exponential
 * backoff and jitter, and reports a change on reconnect so anything missed is fetched.
 */
export async function watchMailbox(options: WatchOptions): Promise<MailboxWatch> {
  let disposed = false;
  let client: ImapFlow | null = null;
  let attempt = 0;
  let timer: NodeJS.Timeout | null = null;

  const notify = (event: WatchEvent): void => {
    if (!disposed) options.onChange(options.path, event);
  };
  const idle = (current: ImapFlow): void => {
    void current.idle().catch((error: unknown) => options.log.debug({ err: error }, 'IDLE ended'));
  };

  const connect = async (): Promise<void> => {
    if (disposed) return;
    try {
      const next = await options.open();
      if (disposed) {
        next.close();
        return;
      }
      client = next;
      next.on('exists', () => notify('exists'));
      next.on('expunge', () => notify('other'));
      next.on('flags', () => notify('other'));
      next.on('close', () => {
        if (client === next) client = null;
        scheduleReconnect();
      });
      await next.mailboxOpen(options.path, { readOnly: true });
      if (attempt > 0) notify('other'); // catch up on what happened while we were away
      attempt = 0;
      idle(next);
    } catch (error) {
      options.log.warn({ path: options.path, err: error }, 'watch connection failed');
      // A refused login or certificate will not fix itself by retrying here: ask for a sync,
      // which reports it in the account's health (and stops this watch).
      if (isAppError(error) && (error.code === 'AUTH' || error.code === 'PERMISSION')) notify('other');
      client?.close();
      client = null;
      scheduleReconnect();
    }
  };

  const scheduleReconnect = (): void => {
    if (disposed || timer) return;
    const delay = backoffDelay(attempt++);
    options.log.info({ path: options.path, delayMs: delay }, 'watch reconnecting');
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, delay);
  };

  await connect();
  return {
    async use(work) {
      const current = client;
      // Not before the mailbox is selected (connect() sets `client` first).
      if (disposed || !current?.usable || !current.mailbox || current.mailbox.path !== options.path) return null;
      try {
        return await work(current);
      } finally {
        // A command ended IDLE (imapflow's own restart waits 15 s): resume it now, or new mail
        // would go unreported meanwhile.
        if (client === current && !disposed && current.usable) idle(current);
      }
    },
    async dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      const current = client;
      client = null;
      await closeConnection(current);
    },
  };
}
