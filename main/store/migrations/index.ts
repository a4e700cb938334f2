import { m0001Init } from './0001_init.js';
import { m0002Mail } from './0002_mail.js';
import { m0003MailCounters } from './0003_mail_counters.js';
import { m0004Crm } from './0004_crm.js';
import { m0005Search } from './0005_search.js';
import { m0006Deals } from './0006_deals.js';
import { m0007Blocklist } from './0007_blocklist.js';
import { m0008Merges } from './0008_merges.js';
import { m0009Reports } from './0009_reports.js';
import { m0010SearchByDate } from './0010_search_by_date.js';
import { m0011ImageSenders } from './0011_image_senders.js';
import { m0012TeamPolicy } from './0012_team_policy.js';
import { m0013AuditEventIds } from './0013_audit_event_ids.js';
import type { Migration } from './migration.js';

/** Every migration, in order. Append only: a shipped migration never changes. */
export const MIGRATIONS: readonly Migration[] = [
  m0001Init,
  m0002Mail,
  m0003MailCounters,
  m0004Crm,
  m0005Search,
  m0006Deals,
  m0007Blocklist,
  m0008Merges,
  m0009Reports,
  m0010SearchByDate,
  m0011ImageSenders,
  m0012TeamPolicy,
  m0013AuditEventIds,
];
