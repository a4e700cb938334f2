import { z } from 'zod';

export const ActivityBucket = z.enum(['day', 'week', 'month']);
export type ActivityBucket = z.infer<typeof ActivityBucket>;

/** A day ('2026-03-01', taken as its start in UTC) or an instant with its offset. */
const Bound = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const EmailActivityInput = z
  .object({
    /** Inclusive; default: a year (day buckets: 90 days) before `to`. */
    from: Bound.optional(),
    /** Exclusive; default: now. */
    to: Bound.optional(),
    bucket: ActivityBucket,
  })
  .strict();
export type EmailActivityInput = z.output<typeof EmailActivityInput>;

export const ActivityPoint = z.object({
  /** The bucket's first day in UTC: '2026-03-01' (weeks start on Monday). */
  start: z.string(),
  sent: z.number().int().nonnegative(),
  received: z.number().int().nonnegative(),
});
export type ActivityPoint = z.infer<typeof ActivityPoint>;

export const EmailActivity = z.object({
  bucket: ActivityBucket,
  /** Buckets are cut in UTC whatever the viewer's time zone, so the same mail always counts the same. */
  timeZone: z.literal('UTC'),
  /**
   * The range answered: the one asked, widened to whole buckets of whole UTC days (the first bucket
   * holding `from` to the last holding the instant before `to`).
   */
  from: z.string(),
  to: z.string(),
  /** Every bucket from `from` to `to`, empty ones included, oldest first. */
  points: z.array(ActivityPoint),
  /**
   * The first and the last UTC day with mail on this computer ('2024-12-31'), whatever the range
   * asked; null when there is none. A range with no mail can then say where the mail is.
   */
  stored: z.object({ firstDay: z.string(), lastDay: z.string() }).nullable(),
});
export type EmailActivity = z.infer<typeof EmailActivity>;
