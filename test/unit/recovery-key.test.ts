import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { formatRecoveryKey, parseRecoveryKey } from '../../main/core/profile/recovery-key.js';

describe('recovery key text', () => {
  it('round-trips 256 bits through 13 groups of four base32 characters', () => {
    for (let i = 0; i < 200; i++) {
      const key = randomBytes(32);
      const text = formatRecoveryKey(key);
      expect(text).toMatch(/^([A-Z2-7]{4}-){12}[A-Z2-7]{4}$/);
      expect(parseRecoveryKey(text).equals(key)).toBe(true);
    }
  });

  it('accepts what a person types: lower case, spaces, look-alike digits', () => {
    const key = randomBytes(32);
    const text = formatRecoveryKey(key);
    const typed = text.toLowerCase().replace(/-/g, ' ').replace(/o/g, '0').replace(/i/g, '1');
    expect(parseRecoveryKey(typed).equals(key)).toBe(true);
  });

  it.each(['', 'ABCD-EFGH', 'A'.repeat(53), `${'A'.repeat(51)}!`])('refuses %j with RECOVERY_KEY_INVALID', (text) => {
    expect(() => parseRecoveryKey(text)).toThrow(expect.objectContaining({ code: 'RECOVERY_KEY_INVALID' }));
  });
});
