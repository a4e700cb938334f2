import type { ImapFlow } from 'imapflow';
import { isAppError } from '../../../../common/errors.js';
import type { Logger } from '../../../util/logger.js';
import type { Disposable } from '../../mail-driver.js';
import { backoffDelay } from '../../backoff.js';
import { closeConnection } from './imap-connection.js';

export type WatchOptions = {
  path: string;
  open: () => Promise<ImapFlow>;
  onChange: (path: string) => void;
  log: Logger;
};

/**
 * Push for one mailbox on its own connection: IDLE where the server has it (imapflow falls back
 * to NOOP polling otherwise and re-issues IDLE before RFC 2177's 29 minutes via maxIdleTime).
 * A dropped connection (network change, sleep, server restart) reconnects with exponential
 * backoff and jitter, and reports a change on reconnect so anything missed is fetched.
 */
export async function watchMailbox(options: WatchOptions): Promise<Disposable> {
  let disposed = false;
  let client: ImapFlow | null = null;
  let attempt = 0;
  let timer: NodeJS.Timeout | null = null;

  const notify = (): void => {
    if (!disposed) options.onChange(options.path);
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
      next.on('exists', notify);
      next.on('expunge', notify);
      next.on('flags', notify);
      next.on('close', () => {
        if (client === next) client = null;
        scheduleReconnect();
      });
      await next.mailboxOpen(options.path, { readOnly: true });
      if (attempt > 0) notify(); // catch up on what happened while we were away
      attempt = 0;
      void next.idle().catch((error: unknown) => options.log.debug({ err: error }, 'IDLE ended'));
    } catch (error) {
      options.log.warn({ path: options.path, err: error }, 'watch connection failed');
      // A refused login or certificate will not fix itself by retrying here: ask for a sync,
      // which reports it in the account's health (and stops this watch).
      if (isAppError(error) && (error.code === 'AUTH' || error.code === 'PERMISSION')) notify();
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
    async dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      const current = client;
      client = null;
      await closeConnection(current);
    },
  };
}
