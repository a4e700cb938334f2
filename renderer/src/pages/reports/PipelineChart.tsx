import { useEffect, useState, type ReactElement } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Board } from '../../../../common/domain/deals.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import { Alert } from '../../../../ui/Alert.js';
import { Spinner } from '../../../../ui/Spinner.js';
import { call } from '../../api/call.js';
import { hrefFor } from '../../frame/routes.js';
import { CHART } from './chartTheme.js';
import { formatMoney, majorUnits } from './money.js';

type Load = { status: 'loading' } | { status: 'error'; error: AppErrorShape } | { status: 'loaded'; board: Board };

/** Each currency's open value per stage: one chart per currency, since amounts never add across them. */
export function pipelineSeries(board: Board): { currency: string; points: { stage: string; value: number }[] }[] {
  const currencies = [
    ...new Set(board.stages.flatMap((column) => column.totals.map((total) => total.currency))),
  ].sort();
  return currencies.map((currency) => ({
    currency,
    points: board.stages.map((column) => ({
      stage: column.stage.name,
      value: majorUnits(column.totals.find((total) => total.currency === currency)?.amountMinor ?? 0, currency),
    })),
  }));
}

export function PipelineChart(): ReactElement {
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  useEffect(() => {
    let live = true;
    void call('deals.board', {}).then((result) => {
      if (!live) return;
      setLoad(result.ok ? { status: 'loaded', board: result.value } : { status: 'error', error: result.error });
    });
    return () => {
      live = false;
    };
  }, []);

  return (
    <section className="card report-card" aria-labelledby="report-pipeline-title" data-testid="report-pipeline">
      <div className="report-card-header">
        <h2 className="card-title" id="report-pipeline-title">
          Pipeline value by stage
        </h2>
        {load.status === 'loaded' ? <span className="text-secondary">{load.board.pipeline.name}</span> : null}
      </div>
      {load.status === 'loading' ? (
        <div className="report-state">
          <Spinner label="Loading the pipeline" />
        </div>
      ) : load.status === 'error' ? (
        <Alert tone="error" title="The pipeline could not be loaded">
          <p>{load.error.message}</p>
        </Alert>
      ) : (
        <PipelineBody board={load.board} />
      )}
    </section>
  );
}

function PipelineBody({ board }: { board: Board }): ReactElement {
  const series = pipelineSeries(board);
  if (series.length === 0) {
    return (
      <div className="report-state report-empty" data-testid="report-pipeline-empty">
        <p>No deals with an amount yet.</p>
        <a className="btn btn-secondary btn-small" href={hrefFor('deals')}>
          Open the deals board
        </a>
      </div>
    );
  }
  return (
    <div className="report-charts">
      {series.map(({ currency, points }) => (
        <figure className="report-figure" key={currency} data-testid="report-pipeline-chart" data-currency={currency}>
          {series.length > 1 ? <figcaption className="section-label">{currency}</figcaption> : null}
          <ResponsiveContainer width="100%" height={240}>
            <BarChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
              <CartesianGrid stroke={CHART.grid} vertical={false} />
              <XAxis dataKey="stage" tick={CHART.tick} stroke={CHART.axis} tickLine={false} interval={0} />
              <YAxis
                tick={CHART.tick}
                stroke={CHART.axis}
                tickLine={false}
                axisLine={false}
                width={64}
                tickFormatter={(value: number) => formatMoney(value, currency, true)}
              />
              <Tooltip
                cursor={CHART.cursor}
                {...CHART.tooltip}
                formatter={(value) => [formatMoney(Number(value), currency), 'Value']}
              />
              <Bar dataKey="value" name="Value" fill={CHART.value} radius={[4, 4, 0, 0]} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </figure>
      ))}
    </div>
  );
}
