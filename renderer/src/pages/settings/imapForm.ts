import { useEffect, useRef, useState } from 'react';
import type { ImapSecurity } from '../../../../common/domain/mail.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import { fieldErrors, type FieldErrors } from '../../lib/validation.js';
import { DEFAULT_PORTS } from './accountCopy.js';

/** The id and data-testid prefix of each IMAP account form: 'add-account-host', 'edit-account-host', … */
export type FormPrefix = 'add-account' | 'edit-account';

export const PEM_BEGIN = '-----BEGIN CERTIFICATE-----';
const MAX_PEM_LENGTH = 20_000;

export function pemProblem(pem: string): string | undefined {
  if (pem.length > MAX_PEM_LENGTH) return 'This is too long for a certificate. Paste only the certificate itself.';
  if (!pem.includes(PEM_BEGIN)) return `Paste the certificate in PEM format: it starts with ${PEM_BEGIN}`;
  return undefined;
}

/** A certificate file's text, or why it is not one (after the file's name). */
export async function readCertificate(file: File): Promise<{ pem: string } | { problem: string }> {
  if (file.size > MAX_PEM_LENGTH * 2) return { problem: `${file.name}: This file is too large to be a certificate.` };
  const text = await file.text();
  const problem = pemProblem(text);
  return problem ? { problem: `${file.name}: ${problem}` } : { pem: text.trim() };
}

/**
 * A light check of the connection fields (server, port, user name, certificate), so a typo does
 * not cost a round trip (and the password); the core decides.
 */
export function connectionProblems(fields: { host: string; port: string; user: string; caCertPem: string }): {
  [field: string]: string;
} {
  const found: Record<string, string> = {};
  const port = fields.port.trim();
  const portNumber = Number(port);
  if (fields.host.trim() === '') found['host'] = 'Enter the IMAP server name';
  if (!/^\d+$/.test(port) || portNumber < 1 || portNumber > 65535) found['port'] = 'Enter a port from 1 to 65535';
  if (fields.user.trim() === '') found['user'] = 'Enter the user name';
  const pem = fields.caCertPem.trim();
  const problem = pem ? pemProblem(pem) : undefined;
  if (problem) found['caCertPem'] = problem;
  return found;
}

/** Keeps a port the user chose; follows the default while the field still holds the old default. */
export function portForSecurity(port: string, from: ImapSecurity, to: ImapSecurity): string {
  return port.trim() === '' || port.trim() === String(DEFAULT_PORTS[from]) ? String(DEFAULT_PORTS[to]) : port;
}

type FocusTarget = 'invalid' | 'certificate';

/**
 * The field errors of an IMAP account form, and where focus goes after a refused submit: to the
 * first field to fix, to the certificate when the server's certificate was not trusted, or else
 * to the password, which needs typing again.
 */
export function useAccountFormErrors(prefix: FormPrefix) {
  const form = useRef<HTMLFormElement>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  // Which control to focus once the form re-rendered after a refused submit (the count re-triggers it).
  const [focusRequest, setFocusRequest] = useState<{ count: number; target: FocusTarget }>({
    count: 0,
    target: 'invalid',
  });

  useEffect(() => {
    if (focusRequest.count === 0) return;
    const find = (selector: string) => form.current?.querySelector<HTMLElement>(selector) ?? null;
    const certificate =
      focusRequest.target === 'certificate' ? (find(`#${prefix}-ca`) ?? find(`#${prefix}-system-ca`)) : null;
    const target = find('[aria-invalid="true"]') ?? certificate ?? find(`#${prefix}-password`);
    target?.focus();
  }, [focusRequest, prefix]);

  const requestFocus = (target: FocusTarget): void =>
    setFocusRequest((current) => ({ count: current.count + 1, target }));

  /** The user changed a field: its error goes away. */
  const edited = (field: string): void => {
    setErrors((current) => {
      if (!current[field]) return current;
      const rest: Record<string, string> = { ...current };
      delete rest[field];
      return rest;
    });
  };

  /** Problems found before sending. Returns whether Advanced (the certificate) needs opening. */
  const showInvalid = (found: FieldErrors): boolean => {
    setErrors(found);
    requestFocus('invalid');
    return Boolean(found['caCertPem']);
  };

  /**
   * The core refused. onFields: it named fields of this form (VALIDATION), so they carry the
   * message instead of an alert; openAdvanced: the certificate is what to look at.
   */
  const showRefusal = (
    error: AppErrorShape,
    fields: readonly string[],
  ): { onFields: boolean; openAdvanced: boolean } => {
    const byField = fieldErrors(error);
    setErrors(byField);
    const certificate = error.code === 'PERMISSION';
    requestFocus(certificate ? 'certificate' : 'invalid');
    return {
      onFields: fields.some((field) => byField[field]),
      openAdvanced: certificate || Boolean(byField['caCertPem']),
    };
  };

  return { form, errors, setErrors, edited, showInvalid, showRefusal };
}
