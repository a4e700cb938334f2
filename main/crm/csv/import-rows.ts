import type {
  CompanyImportField,
  ContactImportField,
  ImportCounts,
  ImportRowResult,
} from '../../../common/domain/csv.js';
import { companyDomain } from '../company-domain.js';

/** A contact row ready to write. */
export type ContactDraft = {
  line: number;
  email: string;
  /** More addresses of the same person, from the same cell. */
  otherEmails: string[];
  name: string | null;
  phones: string[];
  title: string | null;
  owner: string | null;
  lifecycleStage: string | null;
  company: string | null;
  companyDomain: string | null;
};

export type CompanyDraft = { line: number; domain: string; name: string | null; owner: string | null };

type Verdict<D> = { result: ImportRowResult; draft: D | null };

const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const MAX_TEXT = 200;

/**
 * Decides each contact row: invalid (no address, a malformed one, an address an earlier row
 * already has, a value too long), a duplicate of the contact that has the address, or new.
 */
export function planContacts(
  rows: { line: number; values: Partial<Record<ContactImportField, string>> }[],
  existingIdOf: (address: string) => number | null,
): Verdict<ContactDraft>[] {
  const firstLine = new Map<string, number>();
  return rows.map(({ line, values }) => {
    const shown = values as Record<string, string>;
    const invalid = (reason: string): Verdict<ContactDraft> => ({
      result: { line, status: 'invalid', reason, existingId: null, values: shown },
      draft: null,
    });
    // Several addresses may share the cell (our own export joins them with '; '): the first is the key.
    const addresses = (values.email ?? '')
      .split(/[;,\s]+/)
      .map((address) => address.toLowerCase().replace(/^mailto:/, ''))
      .filter(Boolean);
    const email = addresses[0];
    if (!email) return invalid('No email address: every contact needs one.');
    const malformed = addresses.find((address) => address.length > 320 || !EMAIL.test(address));
    if (malformed) return invalid(`"${malformed}" is not an email address.`);
    const earlier = firstLine.get(email);
    if (earlier !== undefined) return invalid(`The same address as line ${earlier}.`);
    firstLine.set(email, line);
    const tooLong = Object.entries<string>(values).find(
      ([field, value]) => field !== 'email' && value.length > MAX_TEXT,
    );
    if (tooLong) return invalid(`The ${tooLong[0]} is longer than ${MAX_TEXT} characters.`);
    const domainText = values.companyDomain ? normalizeDomain(values.companyDomain) : null;
    if (values.companyDomain && !domainText) return invalid(`"${values.companyDomain}" is not a domain.`);
    const joinedName = [values.firstName, values.lastName].filter(Boolean).join(' ');
    const draft: ContactDraft = {
      line,
      email,
      otherEmails: [...new Set(addresses.slice(1))].filter((address) => address !== email),
      name: values.name ?? (joinedName || null),
      phones: values.phone
        ? values.phone
            .split(/[;,]/)
            .map((phone) => phone.trim())
            .filter(Boolean)
        : [],
      title: values.title ?? null,
      owner: values.owner ?? null,
      lifecycleStage: values.lifecycleStage ?? null,
      company: values.company ?? null,
      companyDomain: domainText,
    };
    const existingId = existingIdOf(email);
    return {
      result: {
        line,
        status: existingId === null ? 'new' : 'duplicate',
        reason: null,
        existingId,
        values: shown,
      },
      draft,
    };
  });
}

/** Decides each company row by its domain (a company is one domain), like planContacts. */
export function planCompanies(
  rows: { line: number; values: Partial<Record<CompanyImportField, string>> }[],
  existingIdOf: (domain: string) => number | null,
): Verdict<CompanyDraft>[] {
  const firstLine = new Map<string, number>();
  return rows.map(({ line, values }) => {
    const shown = values as Record<string, string>;
    const invalid = (reason: string): Verdict<CompanyDraft> => ({
      result: { line, status: 'invalid', reason, existingId: null, values: shown },
      draft: null,
    });
    if (!values.domain) return invalid('No domain: every company needs one (e.g. acme.com).');
    const domain = normalizeDomain(values.domain);
    if (!domain) return invalid(`"${values.domain}" is not a domain.`);
    const earlier = firstLine.get(domain);
    if (earlier !== undefined) return invalid(`The same domain as line ${earlier}.`);
    firstLine.set(domain, line);
    const tooLong = Object.entries<string>(values).find(([, value]) => value.length > MAX_TEXT);
    if (tooLong) return invalid(`The ${tooLong[0]} is longer than ${MAX_TEXT} characters.`);
    const existingId = existingIdOf(domain);
    return {
      result: { line, status: existingId === null ? 'new' : 'duplicate', reason: null, existingId, values: shown },
      draft: { line, domain, name: values.name ?? null, owner: values.owner ?? null },
    };
  });
}

export function countOf(results: ImportRowResult[]): ImportCounts {
  const counts: ImportCounts = { new: 0, duplicate: 0, invalid: 0 };
  for (const result of results) counts[result.status]++;
  return counts;
}

/** 'https://www.Acme.com/about' → 'acme.com'; null when it is not a domain. */
export function normalizeDomain(text: string): string | null {
  const bare = text
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^www\./, '')
    .replace(/[/?#:].*$/, '')
    .replace(/\.$/, '');
  return DOMAIN.test(bare) ? bare : null;
}

/** The domain a contact's company is known by when the row names none: its address's. */
export function domainOfAddress(address: string): string {
  return companyDomain(address.slice(address.lastIndexOf('@') + 1));
}
