import { describe, expect, it } from 'vitest';
import { Cidr, WorkspaceSettingsInput } from '../../common/api/server-second-factor.js';
import { compileAllowlist, isLoopback } from '../../server/net/ip-allowlist.js';

describe('CIDR validation', () => {
  it.each([
    '10.0.0.0/8',
    '0.0.0.0/0',
    '192.168.1.7/32',
    '10.1.2.3/8',
    '::/0',
    '2001:db8::/32',
    '::1/128',
    '::ffff:10.0.0.0/104',
  ])('accepts %s', (value) => {
    expect(Cidr.safeParse(value).success).toBe(true);
  });

  it.each([
    '10.0.0.0',
    '10.0.0.0/33',
    '10.0.0.0/-1',
    '10.0.0/8',
    '256.0.0.0/8',
    '010.0.0.0/8',
    ' 10.0.0.0/8',
    '10.0.0.0/8 ',
    '2001:db8::/129',
    '2001:db8:::/32',
    'fe80::1%eth0/64',
    'example.com/8',
    '',
  ])('refuses %j', (value) => {
    expect(Cidr.safeParse(value).success).toBe(false);
  });

  it('wants at least one setting in an update, and caps the list', () => {
    expect(WorkspaceSettingsInput.safeParse({}).success).toBe(false);
    expect(WorkspaceSettingsInput.safeParse({ ipAllowlist: [] }).success).toBe(true);
    expect(WorkspaceSettingsInput.safeParse({ ipAllowlist: Array(201).fill('10.0.0.0/8') }).success).toBe(false);
  });
});

describe('the allowlist matcher', () => {
  it('lets everyone through when empty', () => {
    const list = compileAllowlist([]);
    expect(list.empty).toBe(true);
    expect(list.allows('203.0.113.1')).toBe(true);
  });

  it('matches IPv4 networks on their prefix, host bits in the network ignored', () => {
    const list = compileAllowlist(['10.1.2.3/8', '192.168.1.7/32']);
    expect(list.allows('10.255.255.255')).toBe(true);
    expect(list.allows('11.0.0.0')).toBe(false);
    expect(list.allows('192.168.1.7')).toBe(true);
    expect(list.allows('192.168.1.8')).toBe(false);
  });

  it('matches IPv4-mapped IPv6 addresses against IPv4 networks', () => {
    const list = compileAllowlist(['10.0.0.0/8']);
    expect(list.allows('::ffff:10.9.8.7')).toBe(true);
    expect(list.allows('::ffff:a09:807')).toBe(true);
    expect(list.allows('::ffff:11.9.8.7')).toBe(false);
  });

  it('matches IPv6 networks, in any spelling of the address', () => {
    const list = compileAllowlist(['2001:db8::/32']);
    expect(list.allows('2001:db8::1')).toBe(true);
    expect(list.allows('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe(true);
    expect(list.allows('2001:db9::1')).toBe(false);
    expect(list.allows('10.0.0.1')).toBe(false);
  });

  it('allows everything with 0.0.0.0/0 and ::/0 together', () => {
    const list = compileAllowlist(['0.0.0.0/0', '::/0']);
    expect(list.allows('203.0.113.1')).toBe(true);
    expect(list.allows('2001:db8::1')).toBe(true);
  });

  it('refuses what is not an address', () => {
    const list = compileAllowlist(['0.0.0.0/0']);
    expect(list.allows('')).toBe(false);
    expect(list.allows('localhost')).toBe(false);
  });

  it('knows loopback in every form', () => {
    for (const address of ['127.0.0.1', '127.255.0.9', '::1', '::ffff:127.0.0.1'])
      expect(isLoopback(address)).toBe(true);
    for (const address of ['10.0.0.1', '::2', '::ffff:10.0.0.1', 'localhost']) expect(isLoopback(address)).toBe(false);
  });
});
