import { createRequire } from 'node:module';

/**
 * Free-mail and disposable domains (gmail.com, outlook.com, ...), from the maintained
 * email-providers package: a person there can be a contact, the domain is never a company.
 */
export const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set(
  (createRequire(import.meta.url)('email-providers/all.json') as string[]).map((domain) => domain.toLowerCase()),
);
