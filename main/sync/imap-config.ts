import { z } from 'zod';
import { ImapSecurity } from '../../common/domain/mail.js';

/** An IMAP account's connection settings as stored in accounts.config (never the password). */
export const ImapConfig = z.object({
  host: z.string(),
  port: z.number().int(),
  security: ImapSecurity,
  user: z.string(),
  caCertPem: z.string().optional(),
});
