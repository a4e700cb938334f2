import { AppError } from '../../../common/errors.js';
import { bucketCount, defaultFrom, fillBuckets, wholeBuckets } from '../../reports/activity-buckets.js';
import type { Handlers } from '../api/handlers.js';
import type { ProfileManager } from '../profile/profile-manager.js';

type ReportHandlers = Pick<Handlers, 'reports.emailActivity'>;

/** At most this many buckets in one answer (ten years of weeks): a chart shows no more. */
const MAX_BUCKETS = 520;

export function reportHandlers(profiles: ProfileManager): ReportHandlers {
  return {
    'reports.emailActivity': async ({ from, to, bucket }) => {
      const end = to ? new Date(to) : new Date();
      const start = from ? new Date(from) : defaultFrom(end, bucket);
      if (start.getTime() >= end.getTime()) throw new AppError('VALIDATION', 'from must be before to.');
      // Whole buckets of whole UTC days: the counters are kept per day, and a bar is never a part of its days.
      const { fromDay, toDay } = wholeBuckets(start, end, bucket);
      const count = bucketCount(fromDay, toDay, bucket);
      if (count > MAX_BUCKETS) {
        throw new AppError('VALIDATION', `That range has ${count} ${bucket}s; choose at most ${MAX_BUCKETS}.`);
      }
      const { reports } = profiles.requireStore();
      return {
        bucket,
        timeZone: 'UTC' as const,
        from: `${fromDay}T00:00:00.000Z`,
        to: `${toDay}T00:00:00.000Z`,
        points: fillBuckets(reports.emailActivity(bucket, fromDay, toDay), bucket, fromDay, toDay),
        stored: reports.storedMail(),
      };
    },
  };
}
