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

type Answer = { bucket: ActivityBucket; load: Load };

const BUCKETS: { value: ActivityBucket; label: string }[] = [
  { value: 'day', label: 'Days' },
  { value: 'week', label: 'Weeks' },
  { value: 'month', label: 'Months' },
];

// Labels are UTC days, like the buckets: formatting them in local time would shift them a day west of UTC.
const dayLabel = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const monthLabel = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' });

export function bucketLabel(start: string, bucket: ActivityBucket): string {
  const date = new Date(`${start}T00:00:00.000Z`);
  return bucket === 'month' ? monthLabel.format(date) : dayLabel.format(date);
}

/** Sent and received mail per day, week or month: the last 90 days of days, or a year. */
export function ActivityChart(): ReactElement {
  const [bucket, setBucket] = useState<ActivityBucket>('week');
  const [answer, setAnswer] = useState<Answer | null>(null);
  // An answer for another grouping than the one chosen is the previous one: loading.
  const load: Load = answer?.bucket === bucket ? answer.load : { status: 'loading' };

  useEffect(() => {
    let live = true;
    void call('reports.emailActivity', { bucket }).then((result) => {
      if (!live) return;
      setAnswer({
        bucket,
        load: result.ok ? { status: 'loaded', activity: result.value } : { status: 'error', error: result.error },
      });
    });
    return () => {
      live = false;
    };
  }, [bucket]);

  return (
    <section className="card report-card" aria-labelledby="report-activity-title" data-testid="report-activity">
      <div className="report-card-header">
        <h2 className="card-title" id="report-activity-title">
          Email activity
        </h2>
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
      {load.status === 'loading' ? (
        <div className="report-state">
          <Spinner label="Loading email activity" />
        </div>
      ) : load.status === 'error' ? (
        <Alert tone="error" title="Email activity could not be loaded">
          <p>{load.error.message}</p>
        </Alert>
      ) : (
        <ActivityBody activity={load.activity} />
      )}
    </section>
  );
}

function ActivityBody({ activity }: { activity: EmailActivity }): ReactElement {
  const data = activity.points.map((point) => ({ ...point, label: bucketLabel(point.start, activity.bucket) }));
  const sent = activity.points.reduce((sum, point) => sum + point.sent, 0);
  const received = activity.points.reduce((sum, point) => sum + point.received, 0);
  return (
    <figure className="report-figure" data-testid="report-activity-chart" data-bucket={activity.bucket}>
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
        {formatCount(sent)} sent · {formatCount(received)} received. Each {activity.bucket} is cut in UTC
        {activity.bucket === 'week' ? ' and starts on Monday' : ''}.
      </figcaption>
    </figure>
  );
}
