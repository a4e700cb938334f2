import type { FolderRole } from '../../mail-driver.js';

/**
 * The well-known folder names of https://learn.microsoft.com/en-us/graph/api/resources/mailfolder
 * that have a role here. v1.0 mailFolder has no wellKnownName property: the driver asks
 * GET /me/mailFolders/{name} for each to learn its id.
 */
export const WELL_KNOWN_ROLES: ReadonlyArray<readonly [string, FolderRole]> = [
  ['inbox', 'inbox'],
  ['sentitems', 'sent'],
  ['drafts', 'drafts'],
  ['deleteditems', 'trash'],
  ['junkemail', 'junk'],
  ['archive', 'archive'],
];

/** The role of a folder id given the ids the well-known names resolved to. */
export function graphFolderRole(id: string, wellKnown: ReadonlyMap<string, FolderRole>): FolderRole {
  return wellKnown.get(id) ?? 'other';
}

/** IMAP-style flags from a Graph message's isRead and flag.flagStatus. */
export function graphFlags(message: { isRead?: boolean; flag?: { flagStatus?: string } | null }): string[] {
  const flags: string[] = [];
  if (message.isRead) flags.push('\\Seen');
  if (message.flag?.flagStatus === 'flagged') flags.push('\\Flagged');
  return flags;
}
