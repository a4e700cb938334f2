/** Dates as the admin reads them: local time, to the minute (seconds for the audit log). */
const minute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const second = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function formatDate(iso: string): string {
  return minute.format(new Date(iso));
}

export function formatDateSeconds(iso: string): string {
  return second.format(new Date(iso));
}

/** A Base32 secret in groups of four, as authenticator apps show it for typing. */
export function groupSecret(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

/** "1 session", "3 sessions": what a reset or a password change signed out. */
export function sessionCount(count: number): string {
  return count === 1 ? '1 session' : `${count} sessions`;
}
