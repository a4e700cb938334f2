import { useRef, useState, type ReactElement } from 'react';
import {
  CompanyImportField,
  ContactImportField,
  MAX_IMPORT_CHARS,
  type ImportResult,
  type ImportRowResult,
  type CompanyMapping,
  type ContactImportPreview,
  type ContactMapping,
  type OnDuplicate,
} from '../../../../common/domain/csv.js';
import type { MergeKind } from '../../../../common/domain/merge.js';
import type { Result } from '../../../../common/result.js';
import { Alert } from '../../../../ui/Alert.js';
import { Modal } from '../../../../ui/Modal.js';
import { Spinner } from '../../../../ui/Spinner.js';
import { call } from '../../api/call.js';
import { RECORD_WORDS, countWord } from './recordKinds.js';

type Mapping = Record<string, string | null>;
type Preview = Omit<ContactImportPreview, 'mapping'> & { mapping: Mapping };

const FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email address',
  phone: 'Phone',
  title: 'Job title',
  owner: 'Owner',
  lifecycleStage: 'Lifecycle stage',
  company: 'Company name',
  companyDomain: 'Company domain',
  domain: 'Domain',
};
const FIELDS: Record<MergeKind, readonly string[]> = {
  contact: ContactImportField.options,
  company: CompanyImportField.options,
};
const STATUS_WORDS: Record<ImportRowResult['status'], string> = {
  new: 'New',
  duplicate: 'Exists',
  invalid: 'Invalid',
};
const STATUS_BADGE: Record<ImportRowResult['status'], string> = {
  new: 'badge-success',
  duplicate: 'badge-neutral',
  invalid: 'badge-danger',
};

/**
 * Import from a CSV file: pick the file, check which field each column fills (guessed from the
 * headers), see row by row what would happen, choose what to do with records that exist, import.
 * Every change of the mapping asks for a new preview; an answer to an older one is dropped.
 */
export function ImportDialog({
  kind,
  onClose,
  onImported,
}: {
  kind: MergeKind;
  onClose: () => void;
  onImported: () => void;
}): ReactElement {
  const words = RECORD_WORDS[kind];
  const [csv, setCsv] = useState<string | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [mapping, setMapping] = useState<Mapping>({});
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [onDuplicate, setOnDuplicate] = useState<OnDuplicate>('skip');
  const [result, setResult] = useState<ImportResult | null>(null);
  const generation = useRef(0);

  const runPreview = async (text: string, chosen?: Mapping): Promise<void> => {
    const mine = ++generation.current;
    setLoading(true);
    const answer: Result<Preview> =
      kind === 'contact'
        ? await call('contacts.importPreview', { csv: text, ...(chosen ? { mapping: chosen as ContactMapping } : {}) })
        : await call('companies.importPreview', {
            csv: text,
            ...(chosen ? { mapping: chosen as CompanyMapping } : {}),
          });
    if (mine !== generation.current) return;
    setLoading(false);
    if (!answer.ok) {
      setError(answer.error.message);
      setPreview(null);
      return;
    }
    setError(null);
    setPreview(answer.value);
    setMapping(answer.value.mapping);
  };

  const chooseFile = async (file: File | undefined): Promise<void> => {
    setResult(null);
    setPreview(null);
    if (!file) return;
    if (file.size > MAX_IMPORT_CHARS) {
      setError(
        `${file.name} is too large to import here (${(file.size / 1048576).toFixed(1)} MB; up to ${MAX_IMPORT_CHARS / 1048576} MB). Split it, or use clientele import on the command line.`,
      );
      return;
    }
    const text = await file.text();
    setCsv(text);
    await runPreview(text);
  };

  const remap = (column: string, field: string | null): void => {
    // A field comes from one column: choosing it here takes it from any other.
    const next: Mapping = {};
    for (const [key, value] of Object.entries(mapping)) next[key] = field !== null && value === field ? null : value;
    next[column] = field;
    setMapping(next);
    if (csv !== null) void runPreview(csv, next);
  };

  const runImport = async (): Promise<void> => {
    if (csv === null) return;
    setLoading(true);
    const answer =
      kind === 'contact'
        ? await call('contacts.import', { csv, mapping: mapping as ContactMapping, onDuplicate })
        : await call('companies.import', { csv, mapping: mapping as CompanyMapping, onDuplicate });
    setLoading(false);
    if (!answer.ok) {
      setError(answer.error.message);
      return;
    }
    setResult(answer.value);
    onImported();
  };

  const importable = preview ? preview.counts.new + (onDuplicate === 'update' ? preview.counts.duplicate : 0) : 0;

  return (
    <Modal open labelledBy="import-title" onDismiss={onClose} testId="import-dialog">
      <div className="import-dialog">
        <h2 className="dialog-title" id="import-title">
          Import {words.many} from CSV
        </h2>
        {result ? (
          <ImportDone kind={kind} result={result} />
        ) : (
          <div className="dialog-content import-body">
            <label className="field">
              <span className="field-label">CSV file (UTF-8, with a header row)</span>
              <input
                type="file"
                accept=".csv,text/csv"
                className="input"
                onChange={(event) => void chooseFile(event.target.files?.[0])}
                data-testid="import-file"
              />
            </label>
            {error ? (
              <Alert tone="error" title="This file cannot be imported" testId="import-error">
                <p>{error}</p>
              </Alert>
            ) : null}
            {loading && !preview ? <Spinner label="Reading the file" /> : null}
            {preview ? (
              <>
                <p className="import-summary" data-testid="import-summary" aria-live="polite">
                  {preview.total.toLocaleString()} rows:{' '}
                  <span className="badge badge-success">{preview.counts.new} new</span>{' '}
                  <span className="badge badge-neutral">{preview.counts.duplicate} already exist</span>{' '}
                  <span className="badge badge-danger">{preview.counts.invalid} invalid</span>
                </p>
                <MappingTable kind={kind} preview={preview} mapping={mapping} onChange={remap} />
                <RowsTable preview={preview} />
                <fieldset className="import-duplicates">
                  <legend className="field-label">{words.Many} that already exist</legend>
                  <label className="choice">
                    <input
                      type="radio"
                      name="on-duplicate"
                      checked={onDuplicate === 'skip'}
                      onChange={() => setOnDuplicate('skip')}
                    />
                    Leave them as they are (skip those rows)
                  </label>
                  <label className="choice">
                    <input
                      type="radio"
                      name="on-duplicate"
                      checked={onDuplicate === 'update'}
                      onChange={() => setOnDuplicate('update')}
                      data-testid="import-update"
                    />
                    Update them with the file&apos;s values
                  </label>
                </fieldset>
              </>
            ) : null}
          </div>
        )}
        <div className="dialog-actions">
          {result ? (
            <button type="button" className="btn btn-primary" onClick={onClose} data-testid="import-close">
              Done
            </button>
          ) : (
            <>
              <button type="button" className="btn btn-secondary" onClick={onClose}>
                Cancel
              </button>
              <button
                type="button"
                className="btn btn-primary"
                disabled={!preview || loading || importable === 0}
                onClick={() => void runImport()}
                data-testid="import-confirm"
              >
                Import {countWord(kind, importable)}
              </button>
            </>
          )}
        </div>
      </div>
    </Modal>
  );
}

function MappingTable({
  kind,
  preview,
  mapping,
  onChange,
}: {
  kind: MergeKind;
  preview: Preview;
  mapping: Mapping;
  onChange: (column: string, field: string | null) => void;
}): ReactElement {
  return (
    <section>
      <h3 className="section-label">Columns</h3>
      <table className="import-table" data-testid="import-mapping">
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">First row</th>
            <th scope="col">Imports as</th>
          </tr>
        </thead>
        <tbody>
          {preview.columns.map((column, index) => (
            <tr key={`${column}-${index}`}>
              <th scope="row">{column || `(column ${index + 1})`}</th>
              <td className="import-sample">{preview.sample[0]?.[index] ?? ''}</td>
              <td>
                <select
                  className="input select"
                  value={mapping[column] ?? ''}
                  onChange={(event) => onChange(column, event.target.value || null)}
                  aria-label={`Field for column ${column}`}
                  data-testid={`import-map-${column}`}
                >
                  <option value="">Don&apos;t import</option>
                  {FIELDS[kind].map((field) => (
                    <option key={field} value={field}>
                      {FIELD_LABELS[field] ?? field}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function RowsTable({ preview }: { preview: Preview }): ReactElement {
  const shown = preview.rows.slice(0, 50);
  return (
    <section>
      <h3 className="section-label">
        Rows{preview.total > shown.length ? ` (the first ${shown.length} of ${preview.total.toLocaleString()})` : ''}
      </h3>
      <div className="import-rows">
        <table className="import-table" data-testid="import-rows">
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Result</th>
              <th scope="col">Values</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr key={row.line} data-testid="import-row" data-status={row.status}>
                <td>{row.line}</td>
                <td>
                  <span className={`badge ${STATUS_BADGE[row.status]}`}>{STATUS_WORDS[row.status]}</span>
                </td>
                <td className="import-values">
                  {Object.values(row.values).join(' · ')}
                  {row.reason ? <span className="field-error">{row.reason}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ImportDone({ kind, result }: { kind: MergeKind; result: ImportResult }): ReactElement {
  return (
    <div className="dialog-content" data-testid="import-result">
      <Alert tone="success" title="Import finished">
        <p>
          {countWord(kind, result.created)} created, {result.updated} updated, {result.skipped} skipped
          {result.invalidCount ? `, ${result.invalidCount} invalid rows left out` : ''}.
        </p>
      </Alert>
      {result.invalid.length ? (
        <ul className="import-invalid">
          {result.invalid.slice(0, 20).map((row) => (
            <li key={row.line}>
              Line {row.line}: {row.reason}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
