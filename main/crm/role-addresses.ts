/**
 * Local parts that name a function, not a person: mail from or to them never makes a contact.
 * The one list of them; compared after dropping a "+tag" and the separators (no-reply = noreply).
 */
const ROLE_LOCAL_PARTS = [
  'noreply',
  'donotreply',
  'notreply',
  'noresponse',
  'info',
  'support',
  'help',
  'helpdesk',
  'sales',
  'admin',
  'administrator',
  'billing',
  'invoice',
  'invoices',
  'accounts',
  'accounting',
  'notification',
  'notifications',
  'notify',
  'alerts',
  'alert',
  'mailerdaemon',
  'postmaster',
  'hostmaster',
  'webmaster',
  'abuse',
  'security',
  'bounce',
  'bounces',
  'newsletter',
  'news',
  'marketing',
  'hello',
  'contact',
  'team',
  'office',
  'jobs',
  'careers',
  'hr',
  'privacy',
  'legal',
  'press',
  'root',
  'system',
  'daemon',
  'auto',
  'automated',
  'updates',
  'feedback',
  'service',
  'customerservice',
  'orders',
  'receipts',
  'calendar',
];

const ROLES: ReadonlySet<string> = new Set(ROLE_LOCAL_PARTS);

/** The role the local part names ("no-reply+x" → "noreply"), or null for a personal address. */
export function roleOf(localPart: string): string | null {
  const bare = localPart.toLowerCase().split('+')[0]!.replace(/[._-]/g, '');
  if (ROLES.has(bare)) return bare;
  // Bounce and no-reply variants carry ids: bounces-123@, noreply-abc@, do-not-reply.eu@.
  const prefix = /^(noreply|donotreply|bounces?|mailerdaemon)/.exec(bare);
  return prefix ? prefix[1]! : null;
}
