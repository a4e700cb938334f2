import { z } from 'zod';
import { AppErrorShape } from '../errors.js';

export const ProfileInfo = z.object({
  id: z.string(),
  displayName: z.string(),
  createdAt: z.string(),
});
export type ProfileInfo = z.infer<typeof ProfileInfo>;

/**
 * What the UI shows first. 'locked' carries the reason (keychain missing, locked, wrong key)
 * and whether a recovery key can help.
 */
export const AppState = z.discriminatedUnion('phase', [
  z.object({ phase: z.literal('onboarding') }),
  z.object({ phase: z.literal('locked'), error: AppErrorShape, canRecover: z.boolean() }),
  z.object({ phase: z.literal('ready'), profile: ProfileInfo }),
]);
export type AppState = z.infer<typeof AppState>;

/** Recovery keys are 256 random bits shown as 13 groups of 4 base32 characters (RFC 4648 alphabet). */
export const RecoveryKeyText = z
  .string()
  .trim()
  .min(1, 'Enter your recovery key')
  .max(200)
  .describe('The recovery key shown when the profile was created');

export const Theme = z.enum(['system', 'light', 'dark'], { error: 'Choose system, light or dark' });
export type Theme = z.infer<typeof Theme>;

export const Settings = z.object({
  theme: Theme,
  /** How far back the first sync of a mailbox reaches; null means everything. */
  backfillMonths: z
    .number({ error: 'Enter a number of months' })
    .int('Enter a whole number of months')
    .min(1, 'At least 1 month')
    .max(600, 'At most 600 months (50 years); choose "everything" for more')
    .nullable(),
});
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = { theme: 'system', backfillMonths: 12 };

/**
 * Where the sync window starts: `backfillMonths` calendar months before `now`, or null when the whole
 * mailbox is synced. Mail older than this stays on the server.
 */
export function syncWindowStart(backfillMonths: number | null, now: Date): Date | null {
  if (backfillMonths === null) return null;
  const since = new Date(now.getTime());
  since.setMonth(since.getMonth() - backfillMonths);
  return since;
}
