import { useState, type ReactElement } from 'react';
import { Alert } from '../../../../ui/Alert.js';
import { call } from '../../api/call.js';
import { downloadText } from '../lists/download.js';

/**
 * Every deal as a CSV file (deals.export: the core neutralizes cells a spreadsheet would run as
 * formulas). A role without deal export gets the core's FORBIDDEN, shown here.
 */
export function ExportDealsButton(): ReactElement {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const exportCsv = async (): Promise<void> => {
    setBusy(true);
    const result = await call('deals.export', {});
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    setError(null);
    downloadText(result.value.filename, result.value.csv);
  };

  return (
    <>
      <button
        type="button"
        className="btn btn-secondary"
        disabled={busy}
        onClick={() => void exportCsv()}
        data-testid="deals-export"
      >
        {busy ? 'Exporting…' : 'Export CSV'}
      </button>
      {error ? (
        <Alert tone="error" title="The deals were not exported" testId="deals-export-error">
          <p>{error}</p>
        </Alert>
      ) : null}
    </>
  );
}
