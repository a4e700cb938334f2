import { useId, useState, type ReactElement } from 'react';
import { Alert } from '../../../ui/Alert.js';
import { EmptyState } from '../../../ui/EmptyState.js';
import { Modal } from '../../../ui/Modal.js';
import { Spinner } from '../../../ui/Spinner.js';
import { call } from '../api/call.js';
import { BriefcaseIcon } from '../components/icons.js';
import { useHashParam } from '../hooks/useHashRoute.js';
import { useCanCall } from '../policy/PolicyProvider.js';
import { dealIdFrom } from './deals/deal-route.js';
import { DealBoard } from './deals/DealBoard.js';
import { DealDrawer } from './deals/DealDrawer.js';
import { DealForm, type DealFormValues } from './deals/DealForm.js';
import { ExportDealsButton } from './deals/ExportDealsButton.js';
import { useBoard } from './deals/useBoard.js';
import './deals/deals.css';

/** The pipeline board: a column per stage, cards dragged between them, a deal open beside it. */
export function DealsPage(): ReactElement {
  const { state, reload, move, moveFailure, dismissFailure } = useBoard();
  const openDeal = dealIdFrom(useHashParam('deal'));
  const [creating, setCreating] = useState(false);
  // Offered only when the policy allows it (common/api/can-call.ts); the core refuses it regardless.
  const canCreate = useCanCall('deals.create');
  const canExport = useCanCall('deals.export');
  const titleId = useId();

  const create = async (values: DealFormValues): Promise<string | null> => {
    const result = await call('deals.create', {
      name: values.name,
      amountMinor: values.amountMinor,
      currency: values.currency,
      ...(values.stageId !== null ? { stageId: values.stageId } : {}),
      closeDate: values.closeDate,
      companyId: values.companyId,
      contactIds: values.contactIds,
    });
    if (!result.ok) return result.error.message;
    setCreating(false);
    await reload();
    return null;
  };

  const board = state.status === 'ready' ? state.board : null;
  const empty = board !== null && board.stages.every((column) => column.count === 0);

  return (
    <div className={openDeal ? 'deals-page deals-page-with-drawer' : 'deals-page'} data-testid="page-deals">
      <div className="deals-toolbar">
        <div>
          <h1 className="deals-title">{board?.pipeline.name ?? 'Deals'} pipeline</h1>
          {board ? (
            <p className="text-secondary deals-summary">
              {plural(
                board.stages.reduce((n, column) => n + column.count, 0),
                'deal',
              )}{' '}
              in {plural(board.stages.length, 'stage')}
            </p>
          ) : null}
        </div>
        <div className="deals-actions">
          {canExport ? <ExportDealsButton /> : null}
          {canCreate ? (
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => setCreating(true)}
              disabled={!board}
              data-testid="new-deal"
            >
              New deal
            </button>
          ) : null}
        </div>
      </div>
      {moveFailure ? (
        <Alert tone="error" title={`“${moveFailure.dealName}” was not moved`} testId="deal-move-error">
          <p>{moveFailure.message} It is back where it was.</p>
          <button type="button" className="btn btn-secondary btn-small" onClick={dismissFailure}>
            Dismiss
          </button>
        </Alert>
      ) : null}
      {state.status === 'loading' ? (
        <div className="card card-loading" data-testid="deals-loading">
          <Spinner label="Loading the pipeline" />
        </div>
      ) : null}
      {state.status === 'error' ? (
        <Alert tone="error" title="The pipeline could not be loaded" testId="deals-error">
          <p>{state.error.message}</p>
          <button type="button" className="btn btn-secondary btn-small" onClick={() => void reload()}>
            Retry
          </button>
        </Alert>
      ) : null}
      {empty ? (
        <EmptyState icon={<BriefcaseIcon size={24} />} title="No deals yet" testId="deals-empty">
          <p>Track each opportunity from first contact to won or lost. Drag cards between stages as they move on.</p>
          {canCreate ? (
            <button type="button" className="btn btn-primary empty-state-action" onClick={() => setCreating(true)}>
              Add your first deal
            </button>
          ) : null}
        </EmptyState>
      ) : null}
      {board && !empty ? <DealBoard board={board} onMove={move} /> : null}
      {openDeal ? <DealDrawer key={openDeal} dealId={openDeal} onChanged={() => void reload()} /> : null}
      <Modal open={creating} labelledBy={titleId} onDismiss={() => setCreating(false)} testId="new-deal-dialog">
        <h2 className="dialog-title" id={titleId}>
          New deal
        </h2>
        {board ? (
          <DealForm
            stages={board.pipeline.stages}
            submitLabel="Create deal"
            onSubmit={create}
            onCancel={() => setCreating(false)}
          />
        ) : null}
      </Modal>
    </div>
  );
}

/** '1 deal', '3 deals'. */
function plural(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}
