/** The account key of an email: one address is one account, whatever its case or Unicode form. */
export function normalizeEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}
