import { z } from 'zod';
import type { Permission } from '../rbac/permissions.js';

/**
 * What the core tells the UI without being asked, the one push channel next to the calls.
 * Events are hints ("this changed: read it again") carrying ids, never data: what a user may see
 * is still decided by the calls, with RBAC. An event is only delivered to a caller whose policy
 * grants its permission. Transports: Electron IPC (preload onEvent) and, in browser mode,
 * Server-Sent Events on GET /api/events.
 */
export type EventSpec<P extends z.ZodType = z.ZodType> = {
  readonly payload: P;
  /** 'public' only for hints every user may have, like "your own rights changed". */
  readonly permission: Permission | 'public';
  readonly summary: string;
};

function event<P extends z.ZodType>(spec: EventSpec<P>): EventSpec<P> {
  return spec;
}

export const events = {
  'sync.changed': event({
    summary: 'Sync state, progress or health of these accounts changed: read sync.status again',
    payload: z.object({ accountIds: z.array(z.string()) }).strict(),
    permission: { object: 'email', action: 'view' },
  }),
  // Public like policy.get: a user may always learn that their own rights changed (and a profile
  // locked read-only must hear that a new policy lifted the lock).
  'policy.changed': event({
    summary: 'A new team policy was stored (fetched or at enrollment): read policy.get again',
    payload: z.object({ version: z.number().int() }).strict(),
    permission: 'public',
  }),
} satisfies Record<string, EventSpec>;

export type EventName = keyof typeof events;
export type EventPayload<N extends EventName> = z.output<(typeof events)[N]['payload']>;
export type AppEvent = { [N in EventName]: { name: N; payload: EventPayload<N> } }[EventName];

export const EVENT_NAMES = Object.keys(events) as EventName[];

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/** Checks an event that crossed a process boundary before anyone acts on it. */
export function parseAppEvent(value: unknown): AppEvent | null {
  if (typeof value !== 'object' || value === null) return null;
  const { name, payload } = value as { name?: unknown; payload?: unknown };
  if (!isEventName(name)) return null;
  const parsed = events[name].payload.safeParse(payload);
  // The payload was parsed with the schema of this very name; TypeScript cannot pair the two unions.
  return parsed.success ? ({ name, payload: parsed.data } as AppEvent) : null;
}
