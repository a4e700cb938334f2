import type { AccountSyncStatus, FolderProgress } from '../../../../common/domain/mail.js';
import { formatDuration, secondsUntil } from '../../lib/format.js';

export type Tone = 'accent' | 'success' | 'warning' | 'danger' | 'neutral';

/** Sums over the folders that sync; each folder's count is capped at its total. */
export function overallProgress(status: AccountSyncStatus): { done: number; total: number } {
  let done = 0;
  let total = 0;
  for (const folder of status.folders) {
    if (!folder.syncEnabled) continue;
    done += Math.min(folder.done, folder.total);
    total += folder.total;
  }
  return { done, total };
}

/** What the badge at the top of an account card says. */
export function stateBadge(status: AccountSyncStatus, now: number): { label: string; tone: Tone } {
  switch (status.state) {
    case 'syncing':
      return { label: 'Syncing', tone: 'accent' };
    case 'watching':
      return { label: 'Watching for new mail', tone: 'success' };
    case 'idle':
      return status.lastSuccessAt
        ? { label: 'Up to date', tone: 'success' }
        : { label: 'Waiting to sync', tone: 'neutral' };
    case 'throttled': {
      const seconds = secondsUntil(status.retryAt, now);
      return {
        label: seconds ? `Throttled, resuming in ${formatDuration(seconds)}` : 'Throttled, resuming shortly',
        tone: 'warning',
      };
    }
    case 'offline':
      return { label: 'Offline, retrying', tone: 'warning' };
    case 'error':
      return { label: 'Error', tone: 'danger' };
  }
}

/** The order the sync engine works in: the mail people look at first, junk and trash last. */
const ROLE_ORDER = ['inbox', 'sent', 'flagged', 'other', 'drafts', 'archive', 'all', 'junk', 'trash'];

function roleRank(role: string): number {
  const index = ROLE_ORDER.indexOf(role);
  return index === -1 ? ROLE_ORDER.indexOf('other') : index;
}

/**
 * Inbox, sent, ... then junk and trash (the ones Clientele leaves alone at first), by role then
 * path. Whether a folder syncs does not move it: its row stays under the pointer when it is
 * turned on or off.
 */
export function sortFolders(folders: readonly FolderProgress[]): FolderProgress[] {
  return [...folders].sort((a, b) => roleRank(a.role) - roleRank(b.role) || a.path.localeCompare(b.path));
}
