import { describe, expect, it } from 'vitest';
import { blockedSender, entryMatches, normalizeBlockValue } from '../../common/domain/blocklist.js';

// What an entry blocks: an address exactly (case aside), a domain with every subdomain of it.

describe('blocklist matching rules', () => {
  it('matches an address entry to that address only, whatever its case', () => {
    const entry = { kind: 'address' as const, value: 'spam@example.com' };
    expect(entryMatches(entry, 'spam@example.com')).toBe(true);
    expect(entryMatches(entry, ' Spam@Example.COM ')).toBe(true);
    expect(entryMatches(entry, 'spam+tag@example.com')).toBe(false);
    expect(entryMatches(entry, 'other@example.com')).toBe(false);
    expect(entryMatches(entry, 'spam@mail.example.com')).toBe(false);
  });

  it('matches a domain entry to the domain and its subdomains, not to look-alikes', () => {
    const entry = { kind: 'domain' as const, value: 'example.com' };
    expect(entryMatches(entry, 'a@example.com')).toBe(true);
    expect(entryMatches(entry, 'a@EXAMPLE.com')).toBe(true);
    expect(entryMatches(entry, 'a@mail.example.com')).toBe(true);
    expect(entryMatches(entry, 'a@deep.mail.example.com')).toBe(true);
    expect(entryMatches(entry, 'a@notexample.com')).toBe(false);
    expect(entryMatches(entry, 'a@example.com.evil.test')).toBe(false);
    expect(entryMatches(entry, 'example.com')).toBe(false);
  });

  it('a subdomain entry does not block its parent domain', () => {
    const entry = { kind: 'domain' as const, value: 'news.example.com' };
    expect(entryMatches(entry, 'a@news.example.com')).toBe(true);
    expect(entryMatches(entry, 'a@example.com')).toBe(false);
  });

  it('names the first blocked From address of a message', () => {
    const entries = [
      { kind: 'domain' as const, value: 'spam.test' },
      { kind: 'address' as const, value: 'x@y.test' },
    ];
    expect(blockedSender(entries, [{ address: 'ok@fine.test' }, { address: 'Bot@Mail.Spam.test' }])).toBe(
      'bot@mail.spam.test',
    );
    expect(blockedSender(entries, [{ address: 'X@y.test' }])).toBe('x@y.test');
    expect(blockedSender(entries, [{ address: 'ok@fine.test' }])).toBeNull();
    expect(blockedSender([], [{ address: 'x@y.test' }])).toBeNull();
  });

  it('normalizes what the user typed, and refuses what is not an address or a domain', () => {
    expect(normalizeBlockValue('address', '  Ada@Example.COM ')).toBe('ada@example.com');
    expect(normalizeBlockValue('domain', '@Example.com')).toBe('example.com');
    expect(normalizeBlockValue('domain', 'mail.example.co.uk')).toBe('mail.example.co.uk');
    expect(normalizeBlockValue('address', 'Ünal@Örnek.test')).toBe('ünal@örnek.test');
    expect(normalizeBlockValue('address', 'example.com')).toBeNull();
    expect(normalizeBlockValue('address', 'a b@example.com')).toBeNull();
    expect(normalizeBlockValue('domain', 'localhost')).toBeNull();
    expect(normalizeBlockValue('domain', 'a..b')).toBeNull();
    expect(normalizeBlockValue('domain', 'a@b.com')).toBeNull();
  });
});
