import type { ActivityBucket, ActivityPoint } from '../../common/domain/reports.js';

const DAY_MS = 86_400_000;

/** The first UTC day of the bucket holding `instant`, as 'YYYY-MM-DD' (weeks start on Monday). */
export function bucketStart(instant: Date, bucket: ActivityBucket): string {
  const day = new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate()));
  if (bucket === 'month') day.setUTCDate(1);
  if (bucket === 'week') day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return day.toISOString().slice(0, 10);
}

export function nextBucketStart(start: string, bucket: ActivityBucket): string {
  const day = new Date(`${start}T00:00:00.000Z`);
  if (bucket === 'month') day.setUTCMonth(day.getUTCMonth() + 1);
  else day.setTime(day.getTime() + (bucket === 'week' ? 7 : 1) * DAY_MS);
  return day.toISOString().slice(0, 10);
}

/**
 * [from, to) widened to whole buckets, as UTC days: the first bucket starts on or before `from`, the
 * last ends after `to` (exclusive), so no bar counts part of its days. '2026-01-07' (a Wednesday)
 * to '2026-01-12T10:00Z' in weeks: '2026-01-05' to '2026-01-19'.
 */
export function wholeBuckets(from: Date, to: Date, bucket: ActivityBucket): { fromDay: string; toDay: string } {
  const fromDay = bucketStart(from, bucket);
  const last = bucketStart(new Date(to.getTime() - 1), bucket);
  return { fromDay, toDay: nextBucketStart(last, bucket) };
}

/**
 * Every bucket from `fromDay` up to `toDay` (exclusive), oldest first, with the counts the store
 * found (it returns only buckets that have mail; a chart needs the quiet ones too, as zeros).
 */
export function fillBuckets(
  rows: readonly ActivityPoint[],
  bucket: ActivityBucket,
  fromDay: string,
  toDay: string,
): ActivityPoint[] {
  const found = new Map(rows.map((row) => [row.start, row]));
  const points: ActivityPoint[] = [];
  for (let start = fromDay; start < toDay; start = nextBucketStart(start, bucket)) {
    points.push(found.get(start) ?? { start, sent: 0, received: 0 });
  }
  return points;
}

/** How many buckets [fromDay, toDay) holds, without listing them (to refuse a huge range first). */
export function bucketCount(fromDay: string, toDay: string, bucket: ActivityBucket): number {
  const days = (Date.parse(`${toDay}T00:00:00.000Z`) - Date.parse(`${fromDay}T00:00:00.000Z`)) / DAY_MS;
  if (bucket === 'day') return days;
  if (bucket === 'week') return Math.ceil(days / 7);
  const [fy, fm] = fromDay.split('-').map(Number) as [number, number];
  const [ty, tm] = toDay.split('-').map(Number) as [number, number];
  return (ty - fy) * 12 + (tm - fm);
}

/** The default range: a year of weeks or months, or 90 days of days, ending now. */
export function defaultFrom(to: Date, bucket: ActivityBucket): Date {
  if (bucket === 'day') return new Date(to.getTime() - 89 * DAY_MS);
  const from = new Date(to);
  from.setUTCFullYear(from.getUTCFullYear() - 1);
  return from;
}
