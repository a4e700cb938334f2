import { parseAppEvent, type AppEvent } from '../../common/api/events.js';
import type { CoreReply, CoreRequest } from '../core/utility-entry.js';

// The wire format between main and the core's utility process is defined by the side that
// answers (main/core/utility-entry.ts); main checks what comes back before trusting it.

export type { CoreReply, CoreRequest };

export function isCoreReply(data: unknown): data is CoreReply {
  if (typeof data !== 'object' || data === null) return false;
  const { id, result } = data as Partial<CoreReply>;
  if (!Number.isSafeInteger(id) || typeof result !== 'object' || result === null) return false;
  return result.ok === true || (result.ok === false && typeof result.error?.code === 'string');
}

/** An event from the core, checked against the events contract; null when it is not one. */
export function coreEventOf(data: unknown): AppEvent | null {
  if (typeof data !== 'object' || data === null || !('event' in data)) return null;
  return parseAppEvent(data.event);
}
