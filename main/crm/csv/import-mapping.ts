import type {
  CompanyImportField,
  CompanyMapping,
  ContactImportField,
  ContactMapping,
} from '../../../common/domain/csv.js';

/** Header words (lower case, letters and digits only) that name each field, as CRMs and spreadsheets export them. */
const CONTACT_SYNONYMS: Record<ContactImportField, string[]> = {
  name: ['name', 'fullname', 'contact', 'contactname', 'displayname', 'person'],
  firstName: ['firstname', 'givenname', 'first', 'forename'],
  lastName: ['lastname', 'surname', 'familyname', 'last'],
  email: ['email', 'emailaddress', 'mail', 'emails', 'primaryemail', 'workemail', 'email1', 'emailaddress1'],
  phone: ['phone', 'phones', 'phonenumber', 'mobile', 'mobilephone', 'tel', 'telephone', 'workphone', 'cell'],
  title: ['title', 'jobtitle', 'position', 'role', 'jobrole'],
  owner: ['owner', 'contactowner', 'accountowner', 'assignedto'],
  lifecycleStage: ['lifecyclestage', 'lifecycle', 'stage', 'status', 'leadstatus'],
  company: ['company', 'companyname', 'organization', 'organisation', 'account', 'accountname', 'employer'],
  companyDomain: ['companydomain', 'domain', 'website', 'companywebsite', 'url'],
};

const COMPANY_SYNONYMS: Record<CompanyImportField, string[]> = {
  name: ['name', 'company', 'companyname', 'organization', 'organisation', 'account', 'accountname'],
  domain: ['domain', 'companydomain', 'website', 'url', 'web', 'homepage'],
  owner: ['owner', 'companyowner', 'accountowner', 'assignedto'],
};

function normalizeHeader(header: string): string {
  return header.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function suggest<F extends string>(columns: string[], synonyms: Record<F, string[]>): Record<string, F | null> {
  const mapping: Record<string, F | null> = {};
  const taken = new Set<F>();
  for (const column of columns) {
    if (column in mapping) continue;
    const word = normalizeHeader(column);
    const field = (Object.keys(synonyms) as F[]).find((f) => !taken.has(f) && synonyms[f].includes(word)) ?? null;
    if (field) taken.add(field);
    mapping[column] = field;
  }
  return mapping;
}

/** Which field each column fills, guessed from its header; each field from one column at most. */
export function suggestContactMapping(columns: string[]): ContactMapping {
  return suggest(columns, CONTACT_SYNONYMS);
}

export function suggestCompanyMapping(columns: string[]): CompanyMapping {
  return suggest(columns, COMPANY_SYNONYMS);
}

/**
 * A row's values by field. The first column of a header wins when a header repeats; an empty cell
 * gives no value. Phones may list several, separated by ; or ,.
 */
export function valuesOf<F extends string>(
  columns: string[],
  cells: string[],
  mapping: Record<string, F | null>,
): Partial<Record<F, string>> {
  const values: Partial<Record<F, string>> = {};
  const seen = new Set<string>();
  columns.forEach((column, index) => {
    if (seen.has(column)) return;
    seen.add(column);
    const field = mapping[column];
    const cell = cells[index] ?? '';
    if (field && cell !== '' && values[field] === undefined) values[field] = cell;
  });
  return values;
}
