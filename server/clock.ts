/** Time as the server sees it: injected so tests move it forward instead of sleeping. */
export type Clock = { now: () => number };

export const systemClock: Clock = { now: () => Date.now() };
