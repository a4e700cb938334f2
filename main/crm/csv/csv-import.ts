import {
  PREVIEW_ROWS,
  SAMPLE_ROWS,
  type CompanyImportPreview,
  type CompanyMapping,
  type ContactImportPreview,
  type ContactMapping,
  type ImportResult,
  type ImportRowResult,
  type OnDuplicate,
} from '../../../common/domain/csv.js';
import { AppError } from '../../../common/errors.js';
import type { ContactImportRecord, CsvRepository } from '../../store/repositories/csv-repository.js';
import { companyName } from '../company-domain.js';
import { FREE_MAIL_DOMAINS } from '../free-mail.js';
import { readCsv, type CsvTable } from './csv-read.js';
import { suggestCompanyMapping, suggestContactMapping, valuesOf } from './import-mapping.js';
import { countOf, domainOfAddress, planCompanies, planContacts, type ContactDraft } from './import-rows.js';

/** What an import of contacts would do, row by row, without writing anything. */
export function previewContacts(csv: CsvRepository, text: string, mapping?: ContactMapping): ContactImportPreview {
  const table = readCsv(text);
  const used = mapping ?? suggestContactMapping(table.columns);
  const verdicts = planContacts(rowsOf(table, used), (address) => csv.contactIdByAddress(address));
  return preview(
    table,
    used,
    verdicts.map((verdict) => verdict.result),
  );
}

export function previewCompanies(csv: CsvRepository, text: string, mapping?: CompanyMapping): CompanyImportPreview {
  const table = readCsv(text);
  const used = mapping ?? suggestCompanyMapping(table.columns);
  const verdicts = planCompanies(rowsOf(table, used), (domain) => csv.companyIdByDomain(domain));
  return preview(
    table,
    used,
    verdicts.map((verdict) => verdict.result),
  );
}

/**
 * Imports contacts in one transaction: new addresses become contacts (with their company),
 * addresses that exist are skipped or updated, invalid rows are left out and reported.
 */
export function importContacts(
  csv: CsvRepository,
  text: string,
  mapping: ContactMapping,
  onDuplicate: OnDuplicate,
  now: string,
): ImportResult {
  const table = readCsv(text);
  requireField(mapping, 'email', 'email address');
  return csv.inTransaction(() => {
    const verdicts = planContacts(rowsOf(table, mapping), (address) => csv.contactIdByAddress(address));
    const outcome = emptyResult();
    for (const { result, draft } of verdicts) {
      if (!draft) {
        noteInvalid(outcome, result);
      } else if (result.existingId === null) {
        csv.insertContact(recordOf(draft), now);
        outcome.created++;
      } else if (onDuplicate === 'update') {
        csv.updateContact(result.existingId, recordOf(draft), now);
        outcome.updated++;
      } else {
        outcome.skipped++;
      }
    }
    return outcome;
  });
}

export function importCompanies(
  csv: CsvRepository,
  text: string,
  mapping: CompanyMapping,
  onDuplicate: OnDuplicate,
  now: string,
): ImportResult {
  const table = readCsv(text);
  requireField(mapping, 'domain', 'domain');
  return csv.inTransaction(() => {
    const verdicts = planCompanies(rowsOf(table, mapping), (domain) => csv.companyIdByDomain(domain));
    const outcome = emptyResult();
    for (const { result, draft } of verdicts) {
      if (!draft) {
        noteInvalid(outcome, result);
      } else if (result.existingId === null) {
        csv.insertCompany(
          { domain: draft.domain, name: draft.name ?? companyName(draft.domain), owner: draft.owner },
          now,
        );
        outcome.created++;
      } else if (onDuplicate === 'update') {
        csv.updateCompany(result.existingId, draft, now);
        outcome.updated++;
      } else {
        outcome.skipped++;
      }
    }
    return outcome;
  });
}

function rowsOf<F extends string>(table: CsvTable, mapping: Record<string, F | null>) {
  return table.rows.map((row) => ({ line: row.line, values: valuesOf(table.columns, row.cells, mapping) }));
}

function preview<M>(table: CsvTable, mapping: M, results: ImportRowResult[]) {
  return {
    columns: table.columns,
    mapping,
    sample: table.rows.slice(0, SAMPLE_ROWS).map((row) => row.cells),
    total: table.rows.length,
    counts: countOf(results),
    rows: results.slice(0, PREVIEW_ROWS),
  };
}

function requireField(mapping: Record<string, string | null>, field: string, words: string): void {
  if (!Object.values(mapping).includes(field)) {
    throw new AppError('VALIDATION', `Choose the column that holds the ${words}: the import needs one.`);
  }
}

function emptyResult(): ImportResult {
  return { created: 0, updated: 0, skipped: 0, invalid: [], invalidCount: 0 };
}

function noteInvalid(outcome: ImportResult, result: ImportRowResult): void {
  outcome.invalidCount++;
  if (outcome.invalid.length < PREVIEW_ROWS) outcome.invalid.push({ line: result.line, reason: result.reason ?? '' });
}

/** The company a row names: its domain column, else the address's domain (not a free-mail one). */
function recordOf(draft: ContactDraft): ContactImportRecord {
  let company: ContactImportRecord['company'] = null;
  if (draft.companyDomain) {
    company = { domain: draft.companyDomain, name: draft.company ?? companyName(draft.companyDomain) };
  } else if (draft.company) {
    const domain = domainOfAddress(draft.email);
    if (!FREE_MAIL_DOMAINS.has(domain)) company = { domain, name: draft.company };
  }
  return {
    email: draft.email,
    otherEmails: draft.otherEmails,
    name: draft.name,
    nameFromAddress: nameFromAddress(draft.email),
    phones: draft.phones,
    title: draft.title,
    owner: draft.owner,
    lifecycleStage: draft.lifecycleStage,
    company,
  };
}

/** ada.lovelace@ → Ada Lovelace (as the linker names contacts the mail gave no name). */
function nameFromAddress(address: string): string {
  const local = address.slice(0, address.indexOf('@')).split('+')[0]!;
  const words = local.split(/[._-]+/).filter((word) => word.length > 0);
  return words.length ? words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join(' ') : address;
}
