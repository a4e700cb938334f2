import type { AccountSyncStatus } from '../../common/domain/mail.js';

/** Human lines for one account's sync status: state, counts, window, rate, last error. */
export function describeAccountSync(status: AccountSyncStatus): string {
  const enabled = status.folders.filter((folder) => folder.syncEnabled);
  const total = enabled.reduce((sum, folder) => sum + folder.total, 0);
  const since = status.since === null ? null : status.since.slice(0, 10);
  const parts = [`${status.email} [${status.accountId}]: ${status.state}, ${status.messages} messages`];
  parts.push(since === null ? 'whole mailbox' : `mail since ${since}`);
  if (total > 0) parts.push(`${total} on the server in the sync window`);
  if (status.rate) parts.push(`${status.rate.toFixed(0)} msg/s`);
  if (status.etaSeconds) parts.push(`about ${status.etaSeconds} s left`);
  if (status.lastSuccessAt) parts.push(`last synced ${status.lastSuccessAt}`);
  const lines = [parts.join(', ')];
  if (status.lastError) lines.push(`  last error ${status.lastError.code}: ${status.lastError.message}`);
  // A synced mailbox with nothing in the window: say where the rest is, not just "0 / 0".
  const nothingInWindow =
    since !== null && enabled.length > 0 && enabled.every((f) => f.backfillComplete) && total === 0;
  if (nothingInWindow) {
    lines.push(
      `  no mail on the server since ${since}; older mail stays there (clientele settings set --backfill-months N|all)`,
    );
  }
  for (const folder of enabled) {
    lines.push(
      `  ${folder.path.padEnd(24)} ${String(folder.done).padStart(7)} / ${folder.total}${folder.backfillComplete ? '' : ' (filling)'}`,
    );
  }
  return lines.join('\n');
}
