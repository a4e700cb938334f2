import type { ReactElement } from 'react';
import { Alert } from '../../../../../ui/Alert.js';
import { Spinner } from '../../../../../ui/Spinner.js';
import { api } from '../../api/admin.js';
import { useLoad } from '../../lib/useLoad.js';

/**
 * The chain's verification (every hash and link from the first entry), asked once when the page
 * opens. The head hash is what to keep elsewhere: only a copy outside the database reveals a
 * rewritten or shortened tail.
 */
export function ChainStatus(): ReactElement {
  const [report, reverify] = useLoad(api.auditVerify);
  if (report.state === 'loading') {
    return (
      <div className="chain-status chain-status-pending" data-testid="audit-chain-pending">
        <Spinner label="Verifying the chain" /> Verifying the chain…
      </div>
    );
  }
  if (report.state === 'error') {
    return (
      <Alert tone="warning" title="The chain could not be verified">
        <p>{report.error.message}</p>
      </Alert>
    );
  }
  const value = report.value;
  if (!value.ok) {
    return (
      <Alert tone="error" title={`Tampered at entry #${value.problem.seq}`} testId="audit-chain-broken">
        <p>
          {value.problem.message} ({value.problem.kind}). {value.entries} entries before it verified.
        </p>
      </Alert>
    );
  }
  return (
    <Alert tone="success" title="Chain intact" testId="audit-chain-ok">
      <p>
        {value.entries === 0 ? 'No entries yet.' : `${value.entries} entries verified, from #1 to #${value.headSeq}.`}{' '}
        {value.entries > 0 ? (
          <>
            Head hash{' '}
            <code className="hash" data-testid="audit-head-hash">
              {value.headHash}
            </code>
          </>
        ) : null}{' '}
        <button type="button" className="link-button" onClick={reverify}>
          Verify again
        </button>
      </p>
    </Alert>
  );
}
