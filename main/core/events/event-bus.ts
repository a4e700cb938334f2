import { events as specs, type AppEvent } from '../../../common/api/events.js';
import { isAllowed } from '../../../common/rbac/evaluate.js';
import type { PolicySource } from '../api/dispatcher.js';

export type EventListener = (event: AppEvent) => void;

/**
 * Fans events out to the transports' subscribers, at most one per `intervalMs` per event name:
 * a sync commits pages many times a second, and the UI only needs to know "changed since you
 * last looked" (the first change goes out at once, the rest of the interval's ids in one event at
 * its end). Each delivery checks the subscriber's permission with the policy in force then.
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>();
  private readonly pendingAccounts = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly policies: PolicySource,
    private readonly intervalMs = 250,
  ) {}

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Some accounts' sync state changed. */
  syncChanged(accountId: string): void {
    this.pendingAccounts.add(accountId);
    if (!this.timer) this.flushAndWait();
  }

  /** A new team policy is in force: the UI reads policy.get again. Not throttled: it is rare. */
  policyChanged(version: number): void {
    this.deliver({ name: 'policy.changed', payload: { version } });
  }

  /** Sends what is pending, then holds further changes for one interval. */
  private flushAndWait(): void {
    const accountIds = [...this.pendingAccounts];
    this.pendingAccounts.clear();
    this.deliver({ name: 'sync.changed', payload: { accountIds } });
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.pendingAccounts.size > 0) this.flushAndWait();
    }, this.intervalMs);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
  }

  private deliver(event: AppEvent): void {
    if (this.listeners.size === 0) return;
    const permission = specs[event.name].permission;
    let allowed: boolean;
    try {
      // Public events still need an open profile: current() throws while it is locked.
      const policy = this.policies.current();
      allowed = permission === 'public' || isAllowed(policy, permission, this.policies.now?.());
    } catch {
      allowed = false; // locked profile or expired policy: nothing goes out
    }
    if (!allowed) return;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A transport that failed to send (a closed stream) must not stop the others.
      }
    }
  }
}
