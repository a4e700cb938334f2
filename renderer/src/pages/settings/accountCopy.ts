import type { AccountKind, ImapSecurity } from '../../../../common/domain/mail.js';
import type { AppErrorShape } from '../../../../common/errors.js';

export const KIND_LABELS: Record<AccountKind, string> = {
  imap: 'IMAP',
  gmail: 'Gmail',
  graph: 'Microsoft 365',
};

export const DEFAULT_PORTS: Record<ImapSecurity, number> = { tls: 993, starttls: 143 };

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
export type AddImapField = (typeof ADD_IMAP_FIELDS)[number];

/** What the add-account form says when the core refuses the account: a title and what to do. */
export function addAccountErrorCopy(error: AppErrorShape, email: string): { title: string; advice: string } {
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
    case 'CONFLICT':
      return {
        title: 'This mailbox is already connected',
        advice: `${email || 'This address'} is already in the list above. To change its settings, remove it, then add it again.`,
      };
    case 'RATE_LIMIT':
      return {
        title: 'The server asked Clientele to slow down',
        advice: 'Wait a minute, then try again.',
      };
    case 'VALIDATION':
      return { title: 'Check the details of the account', advice: '' };
    default:
      return { title: 'The account was not added', advice: '' };
  }
}
