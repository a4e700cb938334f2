import type { ReactElement } from 'react';
import { ActivityChart } from './ActivityChart.js';
import { PipelineChart } from './PipelineChart.js';

/** '#/reports': the pipeline's value per stage and the mail sent and received over time. */
export default function ReportsContent(): ReactElement {
  return (
    <div className="page page-reports" data-testid="page-reports">
      <PipelineChart />
      <ActivityChart />
    </div>
  );
}
