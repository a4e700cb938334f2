import type { ActivityBucket } from '../../../common/domain/reports.js';
import type { Db } from '../sqlcipher.js';

export type ActivityRow = { start: string; sent: number; received: number };

/** The first UTC day of a day's bucket ('YYYY-MM-DD'). Weeks start on Monday: six days back, then forward to a Monday. */
const BUCKET_START: Record<ActivityBucket, string> = {
  day: 'day',
  week: "date(day, '-6 days', 'weekday 1')",
  month: "substr(day, 1, 7) || '-01'",
};

/** Counts for the reports page, from the per-day counters of migration 0009. */
export class ReportsRepository {
  private readonly statements;

  constructor(db: Db) {
    const prepare = (bucket: ActivityBucket) => db.prepare<[string, string], ActivityRow>(activitySql(bucket));
    this.statements = { day: prepare('day'), week: prepare('week'), month: prepare('month') };
  }

  /**
   * Sent and received messages per bucket that has mail, for the UTC days in [fromDay, toDay)
   * ('YYYY-MM-DD'): whole days, since the counters are kept per day.
   */
  emailActivity(bucket: ActivityBucket, fromDay: string, toDay: string): ActivityRow[] {
    return this.statements[bucket].all(fromDay, toDay);
  }
}

export function activitySql(bucket: ActivityBucket): string {
  return `SELECT ${BUCKET_START[bucket]} AS start,
      sum(CASE WHEN direction = 'sent' THEN messages ELSE 0 END) AS sent,
      sum(CASE WHEN direction = 'received' THEN messages ELSE 0 END) AS received
    FROM message_activity
    WHERE day >= ? AND day < ? AND messages > 0
    GROUP BY start ORDER BY start`;
}
