import type { AppEvent } from '../../common/api/events.js';
import { isAppUrl } from './app-url.js';
import type { GuardContext } from './ipc-guard.js';

/** main -> renderer events (common/api/events.ts); preload/preload.ts listens on the same literal. */
export const EVENT_CHANNEL = 'clientele:event';

/** The parts of Electron's WebContents the forwarding reads (plain objects in unit tests). */
export type EventTarget = {
  readonly id: number;
  isDestroyed(): boolean;
  getURL(): string;
  send(channel: string, ...args: unknown[]): void;
};

/**
 * Sends a core event to our own windows only, and only while they show the app: the same rule
 * as for who may call (ipc-guard.ts), the other way round.
 */
export function forwardEvent(event: AppEvent, targets: readonly EventTarget[], guard: GuardContext): number {
  let sent = 0;
  for (const contents of targets) {
    if (contents.isDestroyed() || !guard.isOurWebContents(contents.id) || !isAppUrl(contents.getURL())) continue;
    contents.send(EVENT_CHANNEL, event);
    sent += 1;
  }
  return sent;
}
