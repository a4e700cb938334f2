import { describe, expect, it } from 'vitest';
import { formatDay, formatListDate } from '../../renderer/src/lib/format.js';

// The date of a message in a list (Timeline, Search): the time today, the day this year, the whole
// date before, the same on every page.
describe('formatListDate', () => {
  const now = new Date(2026, 5, 15, 16, 30);

  it('shows the time for mail of today', () => {
    const text = formatListDate(new Date(2026, 5, 15, 9, 5).toISOString(), now);
    expect(text).toMatch(/9/);
    expect(text).toMatch(/05/);
    expect(text).not.toMatch(/2026/);
  });

  it('shows the day without the year for mail of this year', () => {
    const text = formatListDate(new Date(2026, 2, 4, 12).toISOString(), now);
    expect(text).toMatch(/\b4\b/);
    expect(text).not.toMatch(/2026/);
    expect(text).not.toMatch(/12:00/);
  });

  it('shows the whole date, as formatDay does, for older mail', () => {
    const iso = new Date(2024, 11, 31, 20, 8).toISOString();
    expect(formatListDate(iso, now)).toBe(formatDay(iso));
    expect(formatListDate(iso, now)).toMatch(/2024/);
  });

  it('passes an unreadable date through', () => {
    expect(formatListDate('not a date', now)).toBe('not a date');
  });
});
