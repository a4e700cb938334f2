import { z } from 'zod';

/**
 * The blocklist: senders whose mail is kept out of the store. An 'address' entry matches that
 * mailbox exactly (no plus-address or case variants beyond lower-casing); a 'domain' entry matches
 * the domain and every subdomain of it (example.com blocks a@example.com and a@mail.example.com,
 * not a@notexample.com): mail from a company's subdomains is the same sender as far as the user
 * is concerned.
 */
export const BlockKind = z.enum(['address', 'domain']);
export type BlockKind = z.infer<typeof BlockKind>;

export const BlockInput = z
  .object({
    kind: BlockKind,
    value: z.string().trim().min(1).max(320),
  })
  .strict();
export type BlockInput = z.infer<typeof BlockInput>;

export const BlockEntry = z.object({
  id: z.number().int().positive(),
  kind: BlockKind,
  value: z.string(),
  createdAt: z.string(),
  /** Server copies this entry keeps out of the store (one per folder holding a message it blocks). */
  blockedMessages: z.number().int().nonnegative(),
});
export type BlockEntry = z.infer<typeof BlockEntry>;

export const BlockResult = z.object({
  entry: BlockEntry,
  /** Stored messages deleted by this block. */
  removed: z.number().int().nonnegative(),
});
export type BlockResult = z.infer<typeof BlockResult>;

export const BlockPreview = z.object({
  kind: BlockKind,
  value: z.string(),
  /** Stored messages that blocking would delete now. */
  messages: z.number().int().nonnegative(),
  alreadyBlocked: z.boolean(),
});
export type BlockPreview = z.infer<typeof BlockPreview>;

export const UnblockResult = z.object({
  /** Server copies the next sync pass fetches again (those no other entry still blocks). */
  released: z.number().int().nonnegative(),
});
export type UnblockResult = z.infer<typeof UnblockResult>;

/**
 * The stored form of an entry's value (lower case, trimmed; a domain without a leading '@'), or
 * null when it is not a plausible address or domain.
 */
export function normalizeBlockValue(kind: BlockKind, raw: string): string | null {
  const value = raw.trim().toLowerCase();
  if (kind === 'address') {
    const at = value.lastIndexOf('@');
    if (at <= 0 || /\s/.test(value) || !isDomain(value.slice(at + 1))) return null;
    return value;
  }
  const domain = value.startsWith('@') ? value.slice(1) : value;
  return isDomain(domain) ? domain : null;
}

function isDomain(domain: string): boolean {
  // Letters of any script: internationalized domains arrive in mail as Unicode as often as punycode.
  return /^[\p{L}\p{N}_-]+(\.[\p{L}\p{N}_-]+)+$/u.test(domain);
}

/** Whether an entry matches one sender address (compared lower-case). */
export function entryMatches(entry: { kind: BlockKind; value: string }, rawAddress: string): boolean {
  const address = rawAddress.trim().toLowerCase();
  if (entry.kind === 'address') return address === entry.value;
  const at = address.lastIndexOf('@');
  if (at <= 0) return false;
  const domain = address.slice(at + 1);
  return domain === entry.value || domain.endsWith(`.${entry.value}`);
}

/** The first of `addresses` (a message's From) that some entry blocks, lower-cased; null if none. */
export function blockedSender(
  entries: readonly { kind: BlockKind; value: string }[],
  addresses: readonly { address: string }[],
): string | null {
  for (const { address } of addresses) {
    if (entries.some((entry) => entryMatches(entry, address))) return address.trim().toLowerCase();
  }
  return null;
}

/** The rule contacts.explain names for a blocked address, and its sentence. */
export const BLOCKED_RULE = 'blocked';

export function blockedExplanation(address: string, entry: { kind: BlockKind; value: string }): string {
  const by = entry.kind === 'address' ? 'its address' : `the domain ${entry.value}`;
  return (
    `${address} is blocked (${by}): its mail is deleted and kept out of the store, and while it is blocked ` +
    'no mail makes it a contact or links to one (not even mail you sent it). A contact made from it before ' +
    'stays, since it may hold your notes and deals; delete it yourself if you no longer want it. Unblocking ' +
    'brings its mail back and decides again.'
  );
}
