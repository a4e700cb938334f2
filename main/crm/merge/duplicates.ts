import type { CompanyDuplicateGroup, ContactDuplicateGroup } from '../../../common/domain/merge.js';
import type { CrmRepository } from '../../store/repositories/crm-repository.js';
import type { DuplicatesRepository } from '../../store/repositories/duplicates-repository.js';
import { companyDomain } from '../company-domain.js';
import { FREE_MAIL_DOMAINS } from '../free-mail.js';
import { roleOf } from '../role-addresses.js';

type Candidate = { reason: ContactDuplicateGroup['reason']; explanation: string; ids: number[] };

/** Numbers shorter than this are extensions or typos, not a person's phone. */
const MIN_PHONE_DIGITS = 7;

/**
 * Contacts that look like one person: the same name with different addresses, the same phone
 * number, or the same local part at domains of one company (ada@acme.com, ada@acme.co.uk,
 * ada@eu.acme.com). Each set of contacts is offered once, under its first reason.
 */
export function contactDuplicates(
  crm: CrmRepository,
  duplicates: DuplicatesRepository,
  limit: number,
): ContactDuplicateGroup[] {
  const candidates: Candidate[] = [
    ...duplicates.contactsWithSameName(limit).map(({ name, ids }) => ({
      reason: 'same-name' as const,
      explanation: `Same name "${name}" with different addresses`,
      ids,
    })),
    ...groupBy(duplicates.contactPhones(), (row) => phoneKey(row.phone)).map(({ key, ids, sample }) => ({
      reason: 'same-phone' as const,
      explanation: `Same phone number ${sample.phone} (${key})`,
      ids,
    })),
    ...groupBy(duplicates.contactAddresses(), (row) => localPartKey(row.address)).map(({ key, ids }) => ({
      reason: 'same-local-part' as const,
      explanation: `Same address ${key.split('@')[0]}@ at domains of one company (${key.split('@')[1]})`,
      ids,
    })),
  ];
  return distinct(candidates, limit).flatMap((candidate) => {
    const contacts = crm.contactSummaries(candidate.ids);
    return contacts.length > 1 ? [{ reason: candidate.reason, explanation: candidate.explanation, contacts }] : [];
  });
}

/** Companies that look like one: the same name, or domains under one registrable domain. */
export function companyDuplicates(
  crm: CrmRepository,
  duplicates: DuplicatesRepository,
  limit: number,
): CompanyDuplicateGroup[] {
  const candidates: Candidate[] = [
    ...duplicates.companiesWithSameName(limit).map(({ name, ids }) => ({
      reason: 'same-company-name' as const,
      explanation: `Same name "${name}"`,
      ids,
    })),
    ...groupBy(duplicates.companyDomains(), (row) => companyDomain(row.domain)).map(({ key, ids }) => ({
      reason: 'same-registrable-domain' as const,
      explanation: `Domains under ${key}`,
      ids,
    })),
  ];
  return distinct(candidates, limit).flatMap((candidate) => {
    const companies = crm.companySummaries(candidate.ids);
    return companies.length > 1 ? [{ reason: candidate.reason, explanation: candidate.explanation, companies }] : [];
  });
}

/** Digits only, international prefixes and trunk zeros aside: +44 20 7946 0000 and 020 7946 0000 match. */
export function phoneKey(phone: string): string | null {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < MIN_PHONE_DIGITS) return null;
  return digits.slice(-9);
}

/** 'ada@eu.acme.co.uk' → 'ada@acme': the person at the company, whatever its country domain. */
export function localPartKey(address: string): string | null {
  const at = address.lastIndexOf('@');
  if (at <= 0) return null;
  const local = address.slice(0, at).split('+')[0]!;
  const domain = address.slice(at + 1);
  if (roleOf(local) !== null || FREE_MAIL_DOMAINS.has(domain)) return null;
  const label = companyDomain(domain).split('.')[0];
  return label ? `${local}@${label}` : null;
}

function groupBy<T extends { id: number }>(
  rows: T[],
  keyOf: (row: T) => string | null,
): { key: string; ids: number[]; sample: T }[] {
  const groups = new Map<string, { ids: Set<number>; sample: T }>();
  for (const row of rows) {
    const key = keyOf(row);
    if (key === null) continue;
    const group = groups.get(key);
    if (group) group.ids.add(row.id);
    else groups.set(key, { ids: new Set([row.id]), sample: row });
  }
  return [...groups]
    .filter(([, group]) => group.ids.size > 1)
    .map(([key, group]) => ({ key, ids: [...group.ids], sample: group.sample }));
}

function distinct(candidates: Candidate[], limit: number): Candidate[] {
  const seen = new Set<string>();
  const kept: Candidate[] = [];
  for (const candidate of candidates) {
    const key = [...candidate.ids].sort((a, b) => a - b).join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(candidate);
    if (kept.length >= limit) break;
  }
  return kept;
}
