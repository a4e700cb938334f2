import type { AccountSyncStatus } from '../../common/domain/mail.js';

/** Human lines for one account's sync status: state, counts, rate, last error. */
export function describeAccountSync(status: AccountSyncStatus): string {
  const total = status.folders.reduce((sum, folder) => sum + (folder.syncEnabled ? folder.total : 0), 0);
  const parts = [`${status.email} [${status.accountId}]: ${status.state}, ${status.messages} messages`];
  if (total > 0) parts.push(`${total} on the server in the sync window`);
  if (status.rate) parts.push(`${status.rate.toFixed(0)} msg/s`);
  if (status.etaSeconds) parts.push(`about ${status.etaSeconds} s left`);
  if (status.lastSuccessAt) parts.push(`last synced ${status.lastSuccessAt}`);
  const lines = [parts.join(', ')];
  if (status.lastError) lines.push(`  last error ${status.lastError.code}: ${status.lastError.message}`);
  for (const folder of status.folders.filter((f) => f.syncEnabled)) {
    lines.push(
      `  ${folder.path.padEnd(24)} ${String(folder.done).padStart(7)} / ${folder.total}${folder.backfillComplete ? '' : ' (filling)'}`,
    );
  }
  return lines.join('\n');
}
