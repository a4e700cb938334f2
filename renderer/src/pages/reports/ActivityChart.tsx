import { useEffect, useState, type ReactElement } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ActivityBucket, EmailActivity } from '../../../../common/domain/reports.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import { Alert } from '../../../../ui/Alert.js';
import { Spinner } from '../../../../ui/Spinner.js';
import { call } from '../../api/call.js';
import { formatCount } from '../../lib/format.js';
import { CHART } from './chartTheme.js';

type Load =
  { status: 'loading' } | { status: 'error'; error: AppErrorShape } | { status: 'loaded'; activity: EmailActivity };

/** An answer is for one grouping and one last day ('YYYY-MM-DD', included; null: up to now). */
type Answer = { bucket: ActivityBucket; lastDay: string | null; load: Load };

const BUCKETS: { value: ActivityBucket; label: string }[] = [
  { value: 'day', label: 'Days' },
  { value: 'week', label: 'Weeks' },
  { value: 'month', label: 'Months' },
];

// Labels are UTC days, like the buckets: formatting them in local time would shift them a day west of UTC.
const dayLabel = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const monthLabel = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' });
const fullDayLabel = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
const DAY_MS = 86_400_000;

/** '2024-12-31' -> 'Dec 31, 2024' (a UTC day, like the buckets). */
function utcDayLabel(day: string): string {
  return fullDayLabel.format(new Date(`${day}T00:00:00.000Z`));
}

/** '2024-12-31' -> '2025-01-01'. */
function nextUtcDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + DAY_MS).toISOString().slice(0, 10);
}

/** What the chart spans when no range is asked (see defaultFrom in main/reports/activity-buckets.ts). */
function spanName(bucket: ActivityBucket): string {
  return bucket === 'day' ? '90 days' : '12 months';
}

export function bucketLabel(start: string, bucket: ActivityBucket): string {
  const date = new Date(`${start}T00:00:00.000Z`);
  return bucket === 'month' ? monthLabel.format(date) : dayLabel.format(date);
}

/**
 * Sent and received mail per day, week or month: the last 90 days of days, or a year. When that
 * range has no mail but older mail is stored (a mailbox synced from its archive), the chart says
 * so and can show the same span up to the newest message instead.
 */
export function ActivityChart(): ReactElement {
  const [bucket, setBucket] = useState<ActivityBucket>('week');
  const [lastDay, setLastDay] = useState<string | null>(null);
  const [answer, setAnswer] = useState<Answer | null>(null);
  // An answer for another grouping or end than the one chosen is the previous one: loading.
  const load: Load = answer?.bucket === bucket && answer.lastDay === lastDay ? answer.load : { status: 'loading' };

  useEffect(() => {
    let live = true;
    void call('reports.emailActivity', lastDay === null ? { bucket } : { bucket, to: nextUtcDay(lastDay) }).then(
      (result) => {
        if (!live) return;
        setAnswer({
          bucket,
          lastDay,
          load: result.ok ? { status: 'loaded', activity: result.value } : { status: 'error', error: result.error },
        });
      },
    );
    return () => {
      live = false;
    };
  }, [bucket, lastDay]);

  return (
    <section className="card report-card" aria-labelledby="report-activity-title" data-testid="report-activity">
      <div className="report-card-header">
        <h2 className="card-title" id="report-activity-title">
          Email activity
        </h2>
        <div className="report-card-actions">
          {lastDay === null ? null : (
            <button
              type="button"
              className="btn btn-secondary btn-small"
              onClick={() => setLastDay(null)}
              data-testid="activity-today"
            >
              Back to today
            </button>
          )}
          <div className="segmented" role="group" aria-label="Group by">
            {BUCKETS.map((option) => (
              <button
                key={option.value}
                type="button"
                className={option.value === bucket ? 'segmented-option segmented-option-on' : 'segmented-option'}
                aria-pressed={option.value === bucket}
                onClick={() => setBucket(option.value)}
                data-testid={`activity-bucket-${option.value}`}
              >
                {option.label}
              </button>
            ))}
          </div>
        </div>
      </div>
      {load.status === 'loading' ? (
        <div className="report-state">
          <Spinner label="Loading email activity" />
        </div>
      ) : load.status === 'error' ? (
        <Alert tone="error" title="Email activity could not be loaded">
          <p>{load.error.message}</p>
        </Alert>
      ) : (
        <ActivityBody activity={load.activity} lastDay={lastDay} onLastDay={setLastDay} />
      )}
    </section>
  );
}

function ActivityBody({
  activity,
  lastDay,
  onLastDay,
}: {
  activity: EmailActivity;
  lastDay: string | null;
  onLastDay: (day: string) => void;
}): ReactElement {
  const data = activity.points.map((point) => ({ ...point, label: bucketLabel(point.start, activity.bucket) }));
  const sent = activity.points.reduce((sum, point) => sum + point.sent, 0);
  const received = activity.points.reduce((sum, point) => sum + point.received, 0);
  if (sent + received === 0) return <NoActivity activity={activity} onLastDay={onLastDay} />;
  return (
    <figure
      className="report-figure"
      data-testid="report-activity-chart"
      data-bucket={activity.bucket}
      data-last-bucket={activity.points.at(-1)?.start}
    >
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={CHART.grid} vertical={false} />
          <XAxis dataKey="label" tick={CHART.tick} stroke={CHART.axis} tickLine={false} minTickGap={16} />
          <YAxis
            tick={CHART.tick}
            stroke={CHART.axis}
            tickLine={false}
            axisLine={false}
            allowDecimals={false}
            width={40}
          />
          <Tooltip cursor={CHART.cursor} {...CHART.tooltip} />
          <Legend wrapperStyle={{ fontSize: 13, color: 'var(--text-secondary)' }} />
          <Bar dataKey="received" name="Received" stackId="mail" fill={CHART.received} isAnimationActive={false} />
          <Bar
            dataKey="sent"
            name="Sent"
            stackId="mail"
            fill={CHART.sent}
            radius={[3, 3, 0, 0]}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="report-caption" data-testid="report-activity-caption">
        {lastDay === null ? '' : `The ${spanName(activity.bucket)} up to ${utcDayLabel(lastDay)}: `}
        {formatCount(sent)} sent · {formatCount(received)} received. Each {activity.bucket} is cut in UTC
        {activity.bucket === 'week' ? ' and starts on Monday' : ''}.
      </figcaption>
    </figure>
  );
}

/** A range without mail: whether there is any, and if so a way to the span that ends with it. */
function NoActivity({
  activity,
  onLastDay,
}: {
  activity: EmailActivity;
  onLastDay: (day: string) => void;
}): ReactElement {
  const { stored } = activity;
  if (stored === null) {
    return (
      <div className="report-state report-empty" data-testid="report-activity-empty">
        <p>No mail on this computer yet.</p>
      </div>
    );
  }
  const newest = utcDayLabel(stored.lastDay);
  return (
    <div className="report-state report-empty" data-testid="report-activity-empty">
      <p>
        No mail sent or received in the last {spanName(activity.bucket)}. The newest message on this computer is from{' '}
        {newest}.
      </p>
      <button
        type="button"
        className="btn btn-secondary btn-small"
        onClick={() => onLastDay(stored.lastDay)}
        data-testid="activity-show-newest"
      >
        Show the {spanName(activity.bucket)} up to {newest}
      </button>
    </div>
  );
}
