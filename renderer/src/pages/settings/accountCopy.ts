import type { AccountKind, ImapSecurity, OAuthProvider } from '../../../../common/domain/mail.js';
import type { AppErrorShape } from '../../../../common/errors.js';

export const KIND_LABELS: Record<AccountKind, string> = {
  imap: 'IMAP',
  gmail: 'Gmail',
  graph: 'Microsoft 365',
};

export const PROVIDER_LABELS: Record<OAuthProvider, string> = { gmail: 'Gmail', graph: 'Microsoft 365' };

export const DEFAULT_PORTS: Record<ImapSecurity, number> = { tls: 993, starttls: 143 };

export const SECURITY_LABELS: Record<ImapSecurity, string> = { tls: 'TLS', starttls: 'STARTTLS' };

/** The fields of accounts.addImap, as VALIDATION issue paths name them. */
export const ADD_IMAP_FIELDS = [
  'email',
  'displayName',
  'host',
  'port',
  'security',
  'user',
  'password',
  'caCertPem',
] as const;

/** The fields of accounts.updateImap that the edit form shows. */
export const EDIT_IMAP_FIELDS = ['displayName', 'host', 'port', 'security', 'user', 'password', 'caCertPem'] as const;

/** The hint of the certificate field, under Advanced, when no custom certificate is trusted yet. */
export const CERTIFICATE_HINT =
  "Only for servers with a private or self-signed certificate. Paste the server's certificate, or the " +
  'certificate authority that issued it; Clientele trusts it for this server only.';

type ErrorCopy = { title: string; advice: string };

/** What both account forms say when the core could not log in with the settings given. */
function loginErrorCopy(error: AppErrorShape): ErrorCopy | null {
  switch (error.code) {
    case 'AUTH':
      return {
        title: 'The server refused the user name or password',
        advice:
          'Check both and try again. Some providers want an app password here instead of your usual one, ' +
          'for example when two-step verification is on.',
      };
    case 'PERMISSION':
      return {
        title: "The server's certificate is not trusted",
        advice:
          'Clientele did not send your password. If this server uses a private or self-signed certificate, ' +
          'paste it in Server certificate, under Advanced. Otherwise check the server name: it must match the certificate.',
      };
    case 'TEMPORARY':
      return {
        title: 'Clientele cannot reach the server',
        advice:
          'Check the server name, the port and the security setting (TLS or STARTTLS), and that this computer is online.',
      };
    case 'RATE_LIMIT':
      return {
        title: 'The server asked Clientele to slow down',
        advice: 'Wait a minute, then try again.',
      };
    case 'VALIDATION':
      return { title: 'Check the details of the account', advice: '' };
    default:
      return null;
  }
}

/** What the add-account form says when the core refuses the account: a title and what to do. */
export function addAccountErrorCopy(error: AppErrorShape, email: string): ErrorCopy {
  if (error.code === 'CONFLICT') {
    return {
      title: 'This mailbox is already connected',
      advice: `${email || 'This address'} is already in the list above. To change its settings, use Edit there.`,
    };
  }
  return loginErrorCopy(error) ?? { title: 'The account was not added', advice: '' };
}

/**
 * What the edit form says when the core refuses the changes. Nothing was saved then, so the
 * account keeps syncing with its current settings. droppingCertificate: the user asked to trust
 * the system's certificates again.
 */
export function editAccountErrorCopy(error: AppErrorShape, droppingCertificate: boolean): ErrorCopy {
  const kept = 'Nothing was changed: Clientele keeps syncing with the current settings.';
  if (error.code === 'NOT_FOUND') {
    return { title: 'This account no longer exists', advice: 'It was removed, perhaps in another window.' };
  }
  if (error.code === 'PERMISSION' && droppingCertificate) {
    return {
      title: "This computer does not trust the server's certificate",
      advice: `The server still needs its custom certificate: uncheck "Use the system's certificates instead". ${kept}`,
    };
  }
  const copy = loginErrorCopy(error);
  if (!copy) return { title: 'The changes were not saved', advice: kept };
  return { title: copy.title, advice: copy.advice ? `${copy.advice} ${kept}` : '' };
}

/**
 * What the Gmail / Microsoft 365 sign-in says when it did not connect. showMessage: the core's
 * message adds something (e.g. how to configure the app, which address signed in).
 */
export function oauthErrorCopy(error: AppErrorShape, label: string): ErrorCopy & { showMessage: boolean } {
  switch (error.code) {
    case 'VALIDATION':
      return { title: `${label} sign-in is not available`, advice: '', showMessage: true };
    case 'PERMISSION':
      return {
        title: 'Access was not granted',
        advice: `Clientele needs your permission to read (and later send) mail. Try again and choose Allow on the ${label} page.`,
        showMessage: false,
      };
    case 'CONFLICT':
      return { title: 'This mailbox was not connected', advice: '', showMessage: true };
    case 'AUTH':
      return { title: `${label} refused the sign-in`, advice: 'Try again.', showMessage: true };
    case 'TEMPORARY':
      return { title: `The ${label} sign-in did not finish`, advice: '', showMessage: true };
    case 'NOT_FOUND':
      return {
        title: 'The sign-in is over',
        advice: 'It was cancelled or timed out. Start again.',
        showMessage: false,
      };
    default:
      return { title: 'The account was not connected', advice: '', showMessage: true };
  }
}
