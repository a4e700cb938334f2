import type { FolderRole, RemoteFolder } from '../../mail-driver.js';

/** A label as users.labels.list returns it (https://developers.google.com/gmail/api/reference/rest/v1/users.labels#Label). */
export type GmailLabel = { id?: string | null; name?: string | null; type?: string | null };

/** System labels that are folders, with their roles (SPAM/TRASH: skipped by default by the engine). */
const SYSTEM_FOLDERS: Record<string, { name: string; role: FolderRole }> = {
  INBOX: { name: 'Inbox', role: 'inbox' },
  SENT: { name: 'Sent', role: 'sent' },
  DRAFT: { name: 'Drafts', role: 'drafts' },
  SPAM: { name: 'Spam', role: 'junk' },
  TRASH: { name: 'Trash', role: 'trash' },
};

/** The order folders are listed in: Inbox, Sent first (recent mail shows first), then user labels by name. */
const ORDER = ['INBOX', 'SENT', 'DRAFT', 'SPAM', 'TRASH'];

/**
 * Labels as folders: the system labels above and every user label. UNREAD, STARRED, IMPORTANT,
 * CHAT and CATEGORY_* are states of a message, not places: they become flags (flagsOf), never
 * folders. The folder path is the label id (stable across renames); the name is for display.
 */
export function labelsToFolders(labels: readonly GmailLabel[]): RemoteFolder[] {
  const folders: RemoteFolder[] = [];
  for (const label of labels) {
    if (!label.id) continue;
    const system = SYSTEM_FOLDERS[label.id];
    if (system) folders.push({ path: label.id, name: system.name, role: system.role });
    else if (label.type === 'user') folders.push({ path: label.id, name: label.name ?? label.id, role: 'other' });
  }
  const rank = (folder: RemoteFolder): number => {
    const index = ORDER.indexOf(folder.path);
    return index < 0 ? ORDER.length : index;
  };
  return folders.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

/** IMAP-style flags from a message's labels: no UNREAD → \Seen, STARRED → \Flagged, DRAFT → \Draft. */
export function flagsOf(labelIds: readonly string[] | null | undefined): string[] {
  const labels = new Set(labelIds ?? []);
  const flags: string[] = [];
  if (!labels.has('UNREAD')) flags.push('\\Seen');
  if (labels.has('STARRED')) flags.push('\\Flagged');
  if (labels.has('DRAFT')) flags.push('\\Draft');
  return flags;
}
