/** Display helpers shared by pages: counts, durations and times, in the user's locale. */

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** 12345 -> "12,345" (or the user's locale's grouping). */
export function formatCount(value: number): string {
  return integer.format(value);
}

/** Messages per second, rounded so the number does not flicker between polls. */
export function formatRate(perSecond: number): string {
  return `${perSecond >= 10 ? formatCount(perSecond) : perSecond.toFixed(1)} msg/s`;
}

/** 42 -> "42 s", 150 -> "3 min", 7300 -> "2 h 2 min": a remaining time, coarse on purpose. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** "just now", "45 s ago", "2 min ago", "3 h ago", "4 days ago", then the date. */
export function formatRelative(iso: string, now: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const seconds = Math.round((now - then) / 1000);
  if (seconds < 10) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  if (days < 7) return days === 1 ? 'yesterday' : `${days} days ago`;
  return day.format(then);
}

const day = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** The date alone ("6 Dec 2025" in the user's locale). */
export function formatDay(iso: string): string {
  const then = Date.parse(iso);
  return Number.isNaN(then) ? iso : day.format(then);
}

const listTime = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const listDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/**
 * A message's date in a list, as mail clients show it: the time for today's mail, the day for this
 * year's ("Mar 4"), the whole date before (formatDay).
 */
export function formatListDate(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  if (date.toDateString() === now.toDateString()) return listTime.format(date);
  if (date.getFullYear() === now.getFullYear()) return listDay.format(date);
  return day.format(date);
}

/** The full date and time, for title attributes next to a relative time. */
export function formatAbsolute(iso: string): string {
  const then = Date.parse(iso);
  return Number.isNaN(then) ? iso : absolute.format(then);
}

/** Whole seconds from now until an ISO time; 0 once it has passed, null without a time. */
export function secondsUntil(iso: string | null, now: number): number | null {
  if (!iso) return null;
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return null;
  return Math.max(0, Math.ceil((then - now) / 1000));
}
