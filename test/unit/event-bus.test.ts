import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppEvent } from '../../common/api/events.js';
import { AppError } from '../../common/errors.js';
import { localOwnerPolicy, type Policy } from '../../common/rbac/permissions.js';
import { EventBus } from '../../main/core/events/event-bus.js';
import { EVENT_CHANNEL, forwardEvent, type EventTarget } from '../../main/electron/event-forward.js';

const owner = localOwnerPolicy('me');
const noMail: Policy = { ...owner, permissions: { ...owner.permissions, email: {} } };

describe('EventBus', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends the first change at once and the rest of the interval in one event at its end', () => {
    const bus = new EventBus({ current: () => owner }, 250);
    const received: AppEvent[] = [];
    bus.subscribe((event) => received.push(event));
    bus.syncChanged('a');
    expect(received).toEqual([{ name: 'sync.changed', payload: { accountIds: ['a'] } }]);
    for (let i = 0; i < 50; i++) bus.syncChanged(i % 2 ? 'b' : 'a');
    expect(received).toHaveLength(1);
    vi.advanceTimersByTime(250);
    expect(received).toHaveLength(2);
    expect((received[1]!.payload as { accountIds: string[] }).accountIds.sort()).toEqual(['a', 'b']);
    vi.advanceTimersByTime(1000); // nothing pending: nothing sent
    expect(received).toHaveLength(2);
    bus.syncChanged('c');
    expect(received).toHaveLength(3);
    bus.close();
  });

  it('delivers nothing to a role without email view, nor while no policy applies', () => {
    let policy: () => Policy = () => noMail;
    const bus = new EventBus({ current: () => policy() }, 10);
    const received: AppEvent[] = [];
    bus.subscribe((event) => received.push(event));
    bus.syncChanged('a');
    expect(received).toEqual([]);
    vi.advanceTimersByTime(10);
    policy = () => {
      throw new AppError('POLICY_EXPIRED', 'expired');
    };
    bus.syncChanged('a');
    expect(received).toEqual([]);
    vi.advanceTimersByTime(10);
    policy = () => owner;
    bus.syncChanged('a');
    expect(received).toHaveLength(1);
    bus.close();
  });

  it('keeps serving the others when one listener throws, and stops one that unsubscribed', () => {
    const bus = new EventBus({ current: () => owner }, 10);
    const good: AppEvent[] = [];
    bus.subscribe(() => {
      throw new Error('closed stream');
    });
    const stop = bus.subscribe((event) => good.push(event));
    bus.syncChanged('a');
    expect(good).toHaveLength(1);
    stop();
    vi.advanceTimersByTime(10);
    bus.syncChanged('a');
    expect(good).toHaveLength(1);
    bus.close();
  });
});

describe('forwardEvent (Electron main -> windows)', () => {
  const event: AppEvent = { name: 'sync.changed', payload: { accountIds: ['a'] } };
  const target = (id: number, url: string, destroyed = false) => {
    const sent: unknown[][] = [];
    const contents: EventTarget = {
      id,
      isDestroyed: () => destroyed,
      getURL: () => url,
      send: (...args: unknown[]) => void sent.push(args),
    };
    return { contents, sent };
  };

  it("sends only to the app's own windows showing the app", () => {
    const ours = target(1, 'app://clientele/index.html');
    const stranger = target(2, 'app://clientele/index.html');
    const navigatedAway = target(3, 'https://evil.example/');
    const closed = target(4, 'app://clientele/index.html', true);
    const all = [ours, stranger, navigatedAway, closed];
    const sent = forwardEvent(
      event,
      all.map((t) => t.contents),
      { isOurWebContents: (id) => id !== 2 },
    );
    expect(sent).toBe(1);
    expect(ours.sent).toEqual([[EVENT_CHANNEL, event]]);
    expect([stranger, navigatedAway, closed].every((t) => t.sent.length === 0)).toBe(true);
  });
});
