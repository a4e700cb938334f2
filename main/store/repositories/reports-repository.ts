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
    this.statements = {
      day: prepare('day'),
      week: prepare('week'),
      month: prepare('month'),
      // Two lookups at the ends of the primary key; a counter at 0 (its mail deleted) is no mail.
      stored: db.prepare<[], { firstDay: string | null; lastDay: string | null }>(
        `SELECT (SELECT day FROM message_activity WHERE messages > 0 ORDER BY day LIMIT 1) AS firstDay,
           (SELECT day FROM message_activity WHERE messages > 0 ORDER BY day DESC LIMIT 1) AS lastDay`,
      ),
    };
  }

  /** The first and the last UTC day with mail ('YYYY-MM-DD'), null when there is none. */
  storedMail(): { firstDay: string; lastDay: string } | null {
    const row = this.statements.stored.get();
    return row?.firstDay && row.lastDay ? { firstDay: row.firstDay, lastDay: row.lastDay } : null;
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
