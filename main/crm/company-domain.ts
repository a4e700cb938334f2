/**
 * Second-level labels under which companies register (acme.co.uk, acme.com.au): the company is
 * the label before them. A small list instead of the full public suffix list: a miss only makes
 * a company of a subdomain, which a merge can undo.
 */
const SECOND_LEVEL = new Set(['co', 'com', 'org', 'net', 'ac', 'gov', 'edu', 'ltd', 'plc', 'or', 'ne', 'gv']);

/** The domain a company is known by: mail.eu.acme.com → acme.com, sales.acme.co.uk → acme.co.uk. */
export function companyDomain(domain: string): string {
  const labels = domain.toLowerCase().replace(/\.$/, '').split('.');
  if (labels.length <= 2) return labels.join('.');
  const [sld, tld] = labels.slice(-2) as [string, string];
  const keep = tld.length === 2 && SECOND_LEVEL.has(sld) ? 3 : 2;
  return labels.slice(-keep).join('.');
}

/** A readable name from the domain: acme.test → Acme, blue-sky-labs.co.uk → Blue Sky Labs. */
export function companyName(domain: string): string {
  const label = companyDomain(domain).split('.')[0] ?? domain;
  return label
    .split(/[-_]+/)
    .filter((word) => word.length > 0)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(' ');
}
