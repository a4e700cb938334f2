import { lazy, Suspense, type ReactElement } from 'react';
import { Spinner } from '../../../../ui/Spinner.js';

// The charts library is most of a megabyte: it loads when the reports page is first opened, not
// with the app.
const ReportsContent = lazy(() => import('./ReportsContent.js'));

export function ReportsPage(): ReactElement {
  return (
    <Suspense
      fallback={
        <div className="page" data-testid="reports-loading">
          <div className="card card-loading">
            <Spinner label="Loading reports" />
          </div>
        </div>
      }
    >
      <ReportsContent />
    </Suspense>
  );
}
