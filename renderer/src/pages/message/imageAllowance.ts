/**
 * Senders whose remote images the user chose to show. Kept in memory for this session of the app
 * only (a store-backed setting is still to come): after a restart images are blocked again, the
 * safe direction to forget in.
 */
const allowed = new Set<string>();

function key(address: string): string {
  return address.trim().toLowerCase();
}

export function imagesAllowedFor(address: string | null): boolean {
  return address !== null && address !== '' && allowed.has(key(address));
}

export function allowImagesFrom(address: string): void {
  if (address.trim() !== '') allowed.add(key(address));
}
