import { useCallback, useState, type ReactElement, type ReactNode } from 'react';
import type { MergeKind } from '../../../../common/domain/merge.js';
import type { Result } from '../../../../common/result.js';
import { Alert } from '../../../../ui/Alert.js';
import { EmptyState } from '../../../../ui/EmptyState.js';
import { Spinner } from '../../../../ui/Spinner.js';
import { call } from '../../api/call.js';
import { SearchIcon } from '../../components/icons.js';
import { useCanCall } from '../../policy/PolicyProvider.js';
import { downloadText } from './download.js';
import { DuplicatesView, type DuplicateGroupView } from './DuplicatesView.js';
import { ImportDialog } from './ImportDialog.js';
import { MergeDialog, type MergeCandidate } from './MergeDialog.js';
import { MergeHistoryView } from './MergeHistoryView.js';
import { RECORD_CALLS, RECORD_WORDS } from './recordKinds.js';
import { MergeToastView } from './Toast.js';
import { useKeysetList, type Page } from './useKeysetList.js';
import { useMerge } from './useMerge.js';
import { VirtualTable, type TableColumn } from './VirtualTable.js';

type View = 'all' | 'duplicates' | 'history';
const VIEW_LABELS: Record<View, string> = { all: 'All', duplicates: 'Possible duplicates', history: 'Merge history' };

export type RecordsPageConfig<T extends { id: number }> = {
  kind: MergeKind;
  testId: string;
  fetchPage: (input: { search?: string; cursor?: string; limit: number }) => Promise<Result<Page<T>>>;
  loadDuplicates: () => Promise<Result<DuplicateGroupView[]>>;
  columns: TableColumn<T>[];
  gridClass: string;
  candidateOf: (item: T) => MergeCandidate;
  hrefOf: (id: number) => string;
  searchPlaceholder: string;
  emptyIcon: ReactNode;
  emptyTitle: string;
  emptyText: string;
};

/**
 * A list page of contacts or companies: the virtualized list with search as you type and
 * multi-select for merging, possible duplicates, the merge history with undo, CSV import and export.
 */
export function RecordsPage<T extends { id: number }>({ config }: { config: RecordsPageConfig<T> }): ReactElement {
  const { kind, testId } = config;
  const words = RECORD_WORDS[kind];
  const [view, setView] = useState<View>('all');
  const [search, setSearch] = useState('');
  const [version, setVersion] = useState(0);
  const [selected, setSelected] = useState<Map<number, MergeCandidate>>(new Map());
  const [merging, setMerging] = useState(false);
  const [importing, setImporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  // What the policy forbids is not offered (common/api/can-call.ts); the core refuses it regardless.
  const canMerge = useCanCall(RECORD_CALLS[kind].merge);
  const canImport = useCanCall(RECORD_CALLS[kind].import);
  const canExport = useCanCall(RECORD_CALLS[kind].export);
  const list = useKeysetList(config.fetchPage, search);
  const { reload } = list;

  const changed = useCallback(() => {
    setSelected(new Map());
    setVersion((count) => count + 1);
    reload();
  }, [reload]);
  const actions = useMerge(kind, changed);

  const toggle = (id: number): void => {
    setSelected((previous) => {
      const next = new Map(previous);
      const item = list.items.find((candidate) => candidate.id === id);
      if (next.has(id)) next.delete(id);
      else if (item) next.set(id, config.candidateOf(item));
      return next;
    });
  };

  const exportCsv = async (): Promise<void> => {
    setExporting(true);
    const result = await call(RECORD_CALLS[kind].export, {});
    setExporting(false);
    if (!result.ok) {
      setExportError(result.error.message);
      return;
    }
    setExportError(null);
    downloadText(result.value.filename, result.value.csv);
  };

  return (
    <div className="records-page" data-testid={`page-${testId}`}>
      <div className="records-toolbar">
        <div className="segmented" role="tablist" aria-label={`${words.Many} views`}>
          {(Object.keys(VIEW_LABELS) as View[]).map((option) => (
            <button
              key={option}
              type="button"
              role="tab"
              aria-selected={view === option}
              className={`segmented-option${view === option ? ' segmented-option-on' : ''}`}
              onClick={() => setView(option)}
              data-testid={`${testId}-view-${option}`}
            >
              {VIEW_LABELS[option]}
            </button>
          ))}
        </div>
        <div className="records-actions">
          {view === 'all' && selected.size > 0 ? (
            <button
              type="button"
              className="btn btn-secondary btn-small"
              onClick={() => setSelected(new Map())}
              data-testid={`${testId}-clear-selection`}
            >
              Clear selection
            </button>
          ) : null}
          {view === 'all' && selected.size > 0 && canMerge ? (
            <button
              type="button"
              className="btn btn-primary btn-small"
              disabled={selected.size < 2}
              title={selected.size < 2 ? `Select two or more ${words.many} to merge` : undefined}
              onClick={() => setMerging(true)}
              data-testid={`${testId}-merge`}
            >
              Merge {selected.size} selected
            </button>
          ) : null}
          {canImport ? (
            <button
              type="button"
              className="btn btn-secondary btn-small"
              onClick={() => setImporting(true)}
              data-testid={`${testId}-import`}
            >
              Import CSV
            </button>
          ) : null}
          {canExport ? (
            <button
              type="button"
              className="btn btn-secondary btn-small"
              disabled={exporting}
              onClick={() => void exportCsv()}
              data-testid={`${testId}-export`}
            >
              Export CSV
            </button>
          ) : null}
        </div>
      </div>
      {exportError ? (
        <Alert tone="error" title="The export failed" testId="export-error">
          <p>{exportError}</p>
        </Alert>
      ) : null}
      {view === 'all' ? (
        <ListView
          config={config}
          list={list}
          search={search}
          setSearch={setSearch}
          selected={selected}
          toggle={toggle}
        />
      ) : view === 'duplicates' ? (
        <DuplicatesView
          kind={kind}
          load={config.loadDuplicates}
          version={version}
          actions={actions}
          hrefOf={config.hrefOf}
        />
      ) : (
        <MergeHistoryView kind={kind} version={version} actions={actions} />
      )}
      {merging ? (
        <MergeDialog
          kind={kind}
          records={[...selected.values()]}
          busy={actions.busy}
          onCancel={() => setMerging(false)}
          onMerge={(target, sourceIds) => {
            void actions.merge(target, sourceIds).then(() => setMerging(false));
          }}
        />
      ) : null}
      {importing ? <ImportDialog kind={kind} onClose={() => setImporting(false)} onImported={changed} /> : null}
      <MergeToastView actions={actions} />
    </div>
  );
}

function ListView<T extends { id: number }>({
  config,
  list,
  search,
  setSearch,
  selected,
  toggle,
}: {
  config: RecordsPageConfig<T>;
  list: ReturnType<typeof useKeysetList<T>>;
  search: string;
  setSearch: (value: string) => void;
  selected: ReadonlyMap<number, MergeCandidate>;
  toggle: (id: number) => void;
}): ReactElement {
  const { testId } = config;
  const words = RECORD_WORDS[config.kind];
  let body: ReactNode;
  if (list.status === 'loading') {
    body = (
      <div className="records-state" data-testid={`${testId}-loading`}>
        <Spinner label={`Loading ${words.many}`} />
      </div>
    );
  } else if (list.status === 'error') {
    body = (
      <div className="records-state">
        <Alert tone="error" title={`The ${words.many} could not be loaded`} testId={`${testId}-error`}>
          <p>{list.error?.message}</p>
          <button type="button" className="btn btn-secondary btn-small" onClick={list.reload}>
            Retry
          </button>
        </Alert>
      </div>
    );
  } else if (list.items.length === 0 && search.trim() !== '') {
    body = (
      <EmptyState icon={<SearchIcon size={24} />} title="No matches" testId={`${testId}-no-matches`}>
        <p>
          No {words.one} has a name{config.kind === 'contact' ? ' or an address' : ' or a domain'} starting with “
          {search.trim()}”.
        </p>
      </EmptyState>
    );
  } else if (list.items.length === 0) {
    body = (
      <EmptyState icon={config.emptyIcon} title={config.emptyTitle} testId={`${testId}-empty`}>
        <p>{config.emptyText}</p>
      </EmptyState>
    );
  } else {
    body = (
      <VirtualTable
        items={list.items}
        hasMore={list.hasMore}
        loadMore={list.loadMore}
        columns={config.columns}
        gridClass={config.gridClass}
        hrefOf={(item) => config.hrefOf(item.id)}
        labelOf={(item) => config.candidateOf(item).name}
        selected={new Set(selected.keys())}
        onToggle={toggle}
        testId={testId}
      />
    );
  }
  return (
    <section className="records-pane" aria-label={words.Many}>
      <div className="search-bar">
        <span className="search-bar-icon" aria-hidden="true">
          <SearchIcon size={16} />
        </span>
        <input
          type="search"
          className="input search-input"
          placeholder={config.searchPlaceholder}
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          aria-label={`Search ${words.many}`}
          data-testid={`${testId}-search`}
        />
        {list.searching && list.status === 'ready' ? <Spinner label="Searching" /> : null}
      </div>
      {list.error && list.status === 'ready' ? (
        <p className="timeline-stale" role="status">
          {list.error.message}
        </p>
      ) : null}
      {body}
    </section>
  );
}
