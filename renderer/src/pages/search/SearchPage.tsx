import { useEffect, useRef, useState, type KeyboardEvent, type ReactElement } from 'react';
import type { RecordHit } from '../../../../common/domain/records.js';
import type { SearchHit, SearchOrder } from '../../../../common/domain/search.js';
import { Alert } from '../../../../ui/Alert.js';
import { UsersIcon } from '../../../../ui/icons.js';
import { Spinner } from '../../../../ui/Spinner.js';
import { BriefcaseIcon, BuildingIcon, SearchIcon } from '../../components/icons.js';
import { hrefFor, recordHref } from '../../frame/routes.js';
import { formatAbsolute, formatCount, formatListDate } from '../../lib/format.js';
import { MessageView } from '../message/MessageView.js';
import { Snippet } from './Snippet.js';
import { useSearch } from './useSearch.js';

/** The input that `/` focuses from anywhere in the app. */
export const SEARCH_INPUT_ID = 'search-input';

type Row = { kind: 'record'; hit: RecordHit } | { kind: 'message'; hit: SearchHit };

/** Mail, contacts, companies and deals as you type; arrows move, Enter opens. */
export function SearchPage(): ReactElement {
  const [query, setQuery] = useState('');
  const [order, setOrder] = useState<SearchOrder>('newest');
  const search = useSearch(query, order);
  // The selection belongs to one answer: a new answer starts again from the top.
  const [selection, setSelection] = useState({ answer: '', index: 0 });
  const answerKey = `${order}:${search.answered}`;
  const selected = selection.answer === answerKey ? selection.index : 0;
  const setSelected = (update: number | ((index: number) => number)): void =>
    setSelection({ answer: answerKey, index: typeof update === 'function' ? update(selected) : update });
  const [openId, setOpenId] = useState<number | null>(null);
  const list = useRef<HTMLDivElement>(null);

  const rows: Row[] = [
    ...search.records.map((hit): Row => ({ kind: 'record', hit })),
    ...search.hits.map((hit): Row => ({ kind: 'message', hit })),
  ];

  useEffect(() => {
    list.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  const open = (row: Row | undefined): void => {
    if (!row) return;
    if (row.kind === 'message') setOpenId(row.hit.messageId);
    else window.location.hash = row.hit.type === 'deal' ? hrefFor('deals') : recordHref(row.hit.type, row.hit.id);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setSelected((index) => Math.min(rows.length - 1, index + 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setSelected((index) => Math.max(0, index - 1));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      open(rows[selected]);
    } else if (event.key === 'Escape' && query) {
      event.preventDefault();
      setQuery('');
    }
  };

  const activeId = rows[selected] ? `search-row-${selected}` : undefined;

  return (
    <div className="search-page" data-testid="page-search">
      <section className="search-pane" aria-label="Search">
        <div className="search-bar">
          <span className="search-bar-icon" aria-hidden="true">
            <SearchIcon size={16} />
          </span>
          <input
            id={SEARCH_INPUT_ID}
            className="input search-input"
            type="search"
            role="combobox"
            aria-expanded={rows.length > 0}
            aria-controls="search-results"
            aria-activedescendant={activeId}
            aria-label="Search mail, contacts, companies and deals"
            placeholder="Search mail, contacts, companies, deals…"
            autoComplete="off"
            spellCheck={false}
            // The page exists to type into: focus on arrival (also how `/` lands here).
            autoFocus
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            onKeyDown={onKeyDown}
            data-testid="search-input"
          />
          <div className="segmented" role="group" aria-label="Order">
            {(['newest', 'ranked'] as const).map((option) => (
              <button
                key={option}
                type="button"
                className={option === order ? 'segmented-option segmented-option-on' : 'segmented-option'}
                aria-pressed={option === order}
                onClick={() => setOrder(option)}
                data-testid={`search-order-${option}`}
              >
                {option === 'newest' ? 'Newest' : 'Best match'}
              </button>
            ))}
          </div>
        </div>
        <SearchStatus search={search} />
        <div
          className={search.stale ? 'search-results search-results-stale' : 'search-results'}
          aria-busy={search.stale}
          id="search-results"
          role="listbox"
          aria-label="Results"
          ref={list}
          data-testid="search-results"
        >
          {search.records.length > 0 ? (
            <div className="search-group" role="presentation">
              <p className="section-label" role="presentation">
                Records
              </p>
              {search.records.map((hit, index) => (
                <RecordRow
                  key={`${hit.type}-${hit.id}`}
                  hit={hit}
                  id={`search-row-${index}`}
                  selected={index === selected}
                  onOpen={() => {
                    setSelected(index);
                    open({ kind: 'record', hit });
                  }}
                />
              ))}
            </div>
          ) : null}
          {search.hits.length > 0 ? (
            <div className="search-group" role="presentation">
              <p className="section-label" role="presentation">
                Messages
              </p>
              {search.hits.map((hit, offset) => {
                const index = search.records.length + offset;
                return (
                  <MessageRow
                    key={hit.messageId}
                    hit={hit}
                    id={`search-row-${index}`}
                    selected={index === selected}
                    open={hit.messageId === openId}
                    onOpen={() => {
                      setSelected(index);
                      setOpenId(hit.messageId);
                    }}
                  />
                );
              })}
            </div>
          ) : null}
          {search.hasMore ? (
            <div className="search-more">
              {search.loadingMore ? (
                <Spinner label="Loading more results" />
              ) : (
                <button type="button" className="btn btn-secondary btn-small" onClick={search.loadMore}>
                  More results
                </button>
              )}
            </div>
          ) : null}
        </div>
      </section>
      <section className="search-reader" aria-label="Message">
        {openId === null ? (
          <div className="timeline-reader-empty" data-testid="message-none">
            <span>
              <kbd>↑</kbd> <kbd>↓</kbd> move · <kbd>Enter</kbd> open
            </span>
          </div>
        ) : (
          <MessageView key={openId} id={openId} />
        )}
      </section>
    </div>
  );
}

function SearchStatus({ search }: { search: ReturnType<typeof useSearch> }): ReactElement | null {
  if (search.status === 'error' && search.error) {
    return (
      <Alert tone="error" title="Search failed" testId="search-error">
        <p>{search.error.message}</p>
      </Alert>
    );
  }
  const indexing = search.indexing && !search.indexing.done ? search.indexing : null;
  const found = search.records.length + search.hits.length;
  return (
    <div className="search-status" role="status" data-testid="search-status">
      {search.status === 'idle' ? (
        <span>Type to search your mail, contacts, companies and deals.</span>
      ) : search.status === 'loading' ? (
        <Spinner label="Searching" />
      ) : found === 0 ? (
        <span data-testid="search-empty">No results for “{search.answered}”.</span>
      ) : (
        <span>
          {search.hasMore ? 'Many' : formatCount(found)} results for “{search.answered}”
        </span>
      )}
      {search.rankedAmongNewest !== null ? (
        <span className="text-secondary" data-testid="search-ranked-among">
          Best matches among the newest {formatCount(search.rankedAmongNewest)}
        </span>
      ) : null}
      {indexing ? (
        <span className="search-indexing" data-testid="search-indexing">
          Still indexing ({Math.round(indexing.progress * 100)}%): older mail may be missing.
        </span>
      ) : null}
    </div>
  );
}

const RECORD_ICONS = {
  contact: <UsersIcon size={15} />,
  company: <BuildingIcon size={15} />,
  deal: <BriefcaseIcon size={15} />,
};

function RecordRow({
  hit,
  id,
  selected,
  onOpen,
}: {
  hit: RecordHit;
  id: string;
  selected: boolean;
  onOpen: () => void;
}): ReactElement {
  return (
    <div
      id={id}
      role="option"
      aria-selected={selected}
      className={selected ? 'search-row search-row-record search-row-selected' : 'search-row search-row-record'}
      onClick={onOpen}
      data-testid="search-record"
      data-record-type={hit.type}
    >
      <span className="search-record-icon" aria-hidden="true">
        {RECORD_ICONS[hit.type]}
      </span>
      <span className="search-record-name">{hit.name}</span>
      {hit.detail ? <span className="search-record-detail">{hit.detail}</span> : null}
      <span className="search-record-type">{hit.type}</span>
    </div>
  );
}

function MessageRow({
  hit,
  id,
  selected,
  open,
  onOpen,
}: {
  hit: SearchHit;
  id: string;
  selected: boolean;
  open: boolean;
  onOpen: () => void;
}): ReactElement {
  const classes = ['search-row'];
  if (selected) classes.push('search-row-selected');
  if (open) classes.push('search-row-open');
  return (
    <div
      id={id}
      role="option"
      aria-selected={selected}
      className={classes.join(' ')}
      onClick={onOpen}
      data-testid="search-hit"
      data-message-id={hit.messageId}
    >
      <span className="timeline-row-top">
        <span className="timeline-row-from">{hit.from ? hit.from.name || hit.from.address : '(unknown sender)'}</span>
        <time className="timeline-row-date" dateTime={hit.date} title={formatAbsolute(hit.date)}>
          {formatListDate(hit.date)}
        </time>
      </span>
      <span className="timeline-row-subject">{hit.subject ?? '(no subject)'}</span>
      <Snippet segments={hit.snippet} />
    </div>
  );
}
