import { describe, expect, it } from 'vitest';
import { windowMoved, type ImapCursor } from '../../main/sync/drivers/imap/imap-cursor.js';

const DAY = 86_400_000;
const T = Date.UTC(2025, 11, 6);

/** A checkpoint whose window started at `since`; `running`: its backfill has not reached the floor. */
function cursor(since: number | null | undefined, running: boolean): ImapCursor {
  return {
    v: 1,
    uidValidity: '7',
    highestModseq: null,
    top: 100,
    bottom: running ? 60 : 20,
    floor: 20,
    span: 50,
    remoteTotal: 80,
    ...(since === undefined ? {} : { since }),
  };
}

describe('windowMoved: when an IMAP checkpoint follows a changed sync window', () => {
  it('follows a wider window, finished backfill or not', () => {
    expect(windowMoved(cursor(T, false), T - 30 * DAY)).toBe(true);
    expect(windowMoved(cursor(T, true), T - 30 * DAY)).toBe(true);
    expect(windowMoved(cursor(T, false), null)).toBe(true);
  });

  it('follows a narrower window only while the backfill runs', () => {
    expect(windowMoved(cursor(T, true), T + 30 * DAY)).toBe(true);
    expect(windowMoved(cursor(null, true), T)).toBe(true);
    expect(windowMoved(cursor(T, false), T + 30 * DAY)).toBe(false);
    expect(windowMoved(cursor(null, false), T)).toBe(false);
  });

  it('leaves a window that only rolled forward with the calendar (within a day)', () => {
    expect(windowMoved(cursor(T, true), T + 20 * 3_600_000)).toBe(false);
    expect(windowMoved(cursor(T, true), T)).toBe(false);
    expect(windowMoved(cursor(null, true), null)).toBe(false);
  });

  it('looks up the window of a checkpoint written before windows were kept', () => {
    expect(windowMoved(cursor(undefined, false), T)).toBe(true);
    expect(windowMoved(cursor(undefined, false), null)).toBe(true);
  });
});
