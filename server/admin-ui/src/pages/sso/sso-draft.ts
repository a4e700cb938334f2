import { SsoIssuer, type SsoConfigInput, type SsoConfigView } from '../../../../../common/api/server-sso.js';
import type { AppErrorShape } from '../../../../../common/errors.js';

/** The form's fields, named as the API names them (so a server refusal "clientId: ..." finds its field). */
export type SsoField =
  'enabled' | 'issuer' | 'clientId' | 'clientSecret' | 'allowedEmailDomains' | 'autoProvision' | 'defaultRoleId';

export const FIELD_LABELS: Record<SsoField, string> = {
  enabled: 'Let people sign in with single sign-on',
  issuer: 'Issuer URL',
  clientId: 'Client ID',
  clientSecret: 'Client secret',
  allowedEmailDomains: 'Allowed email domains',
  autoProvision: 'Accounts for new people',
  defaultRoleId: 'Role for new accounts',
};

/** What the form edits. The secret is write-only: the draft holds only a replacement, never the stored one. */
export type SsoDraft = {
  enabled: boolean;
  issuer: string;
  clientId: string;
  /** A new secret to send; '' sends none, which keeps the stored one. */
  newSecret: string;
  domains: string[];
  autoProvision: boolean;
  /** '' for no role. */
  defaultRoleId: string;
};

export type FieldErrors = Partial<Record<SsoField | 'form', string>>;

export function draftOf(view: SsoConfigView): SsoDraft {
  return {
    enabled: view.enabled,
    issuer: view.issuer ?? '',
    clientId: view.clientId ?? '',
    newSecret: '',
    domains: view.allowedEmailDomains,
    autoProvision: view.autoProvision,
    defaultRoleId: view.defaultRoleId ?? '',
  };
}

export function sameDraft(a: SsoDraft, b: SsoDraft): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The PUT body, or what is wrong field by field. Only what one field can tell is checked here, with
 * the server's own schemas; rules across fields (turning SSO on needs a secret and a domain) and
 * discovery stay the server's, and its refusal is placed by `placeRefusal`.
 */
export function inputOf(draft: SsoDraft, saved: SsoConfigView): { input: SsoConfigInput } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  const input: SsoConfigInput = {
    enabled: draft.enabled,
    allowedEmailDomains: draft.domains,
    autoProvision: draft.autoProvision,
    defaultRoleId: draft.defaultRoleId === '' ? null : draft.defaultRoleId,
  };
  const issuer = draft.issuer.trim();
  if (issuer !== '') {
    const checked = SsoIssuer.safeParse(issuer);
    if (checked.success) input.issuer = checked.data;
    else errors.issuer = checked.error.issues[0]?.message ?? 'Not an issuer URL.';
  } else if (saved.issuer !== null) {
    // The API replaces an issuer but can't clear one: say so rather than quietly keep the old one.
    errors.issuer = 'An issuer can be replaced, not removed. To stop single sign-on, turn it off below.';
  }
  const clientId = draft.clientId.trim();
  if (clientId !== '') {
    if (clientId.length > 500) errors.clientId = 'At most 500 characters.';
    else input.clientId = clientId;
  } else if (saved.clientId !== null) {
    errors.clientId = 'A client ID can be replaced, not removed. To stop single sign-on, turn it off below.';
  }
  if (draft.newSecret !== '') {
    if (draft.newSecret.length > 1000) errors.clientSecret = 'At most 1000 characters.';
    else input.clientSecret = draft.newSecret;
  }
  return Object.keys(errors).length > 0 ? { errors } : { input };
}

// How a sentence names a field the server lists by its API name.
const SPOKEN: Record<string, string> = {
  issuer: 'the issuer URL',
  clientId: 'the client ID',
  clientSecret: 'the client secret',
  allowedEmailDomains: 'an allowed email domain',
};
const API_NAMES = /\b(issuer|clientId|clientSecret|allowedEmailDomains)\b/g;

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Puts a refusal of `PUT /api/admin/sso` next to what it concerns: the server names the field first
 * ("allowedEmailDomains: ..."), a discovery failure (503) or an issuer that is not a usable OpenID
 * provider concerns the issuer, "To turn single sign-on on, set ..." the switch (with the fields'
 * labels instead of their API names). Anything else is the form's.
 */
export function placeRefusal(error: AppErrorShape, sentIssuer: string | undefined): FieldErrors {
  if (error.code === 'TEMPORARY') return { issuer: `${error.message} Nothing was saved.` };
  if (error.code === 'VALIDATION') {
    const named = /^([A-Za-z]+)(?:\.\d+)*: (.+)$/s.exec(error.message);
    const field = named?.[1];
    if (named && field && field in FIELD_LABELS) return { [field]: capitalized(named[2] ?? '') };
    if (sentIssuer !== undefined && error.message.startsWith(sentIssuer)) return { issuer: error.message };
    if (error.message.startsWith('To turn single sign-on on')) {
      return {
        enabled: error.message.replace(API_NAMES, (name) => SPOKEN[name] ?? name),
      };
    }
  }
  return { form: error.message };
}
