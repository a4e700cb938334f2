import type { FolderRole } from '../../mail-driver.js';

const BY_SPECIAL_USE: Record<string, FolderRole> = {
  '\\Inbox': 'inbox',
  '\\Sent': 'sent',
  '\\Drafts': 'drafts',
  '\\Trash': 'trash',
  '\\Junk': 'junk',
  '\\Archive': 'archive',
  '\\All': 'all',
  '\\Flagged': 'flagged',
};

export function folderRole(path: string, specialUse: string | undefined): FolderRole {
  if (path.toUpperCase() === 'INBOX') return 'inbox';
  return (specialUse && BY_SPECIAL_USE[specialUse]) || 'other';
}

/**
 * Junk and Trash are skipped by default. On Gmail, [Gmail]/All Mail (\All) holds every message
 * of every label: it is synced, and identity matching keeps the copies in INBOX and Sent from
 * becoming duplicates.
 */
export function syncedByDefault(role: FolderRole): boolean {
  return role !== 'junk' && role !== 'trash';
}
