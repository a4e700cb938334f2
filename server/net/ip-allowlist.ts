import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * Matching client addresses against the workspace's CIDR allowlist (validated by the zod `Cidr`
 * schema before it is stored). node:net's BlockList does the matching; it also matches an
 * IPv4-mapped IPv6 address (::ffff:10.1.2.3, what a dual-stack socket reports) against IPv4 networks.
 */

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

function family(address: string): 'ipv4' | 'ipv6' | undefined {
  if (isIPv4(address)) return 'ipv4';
  if (isIPv6(address)) return 'ipv6';
  return undefined;
}

/** Loopback (127.0.0.0/8, ::1, ::ffff:127.x.y.z) is always let through: an admin can't lock the server out. */
export function isLoopback(address: string): boolean {
  const kind = family(address);
  return kind !== undefined && LOOPBACK.check(address, kind);
}

/** Splits "10.0.0.0/8" into its address and prefix; the string is a valid CIDR already. */
function splitCidr(cidr: string): { network: string; prefix: number; kind: 'ipv4' | 'ipv6' } {
  const slash = cidr.lastIndexOf('/');
  const network = cidr.slice(0, slash);
  const kind = family(network);
  if (kind === undefined) throw new Error(`Not a CIDR: ${cidr}`);
  return { network, prefix: Number(cidr.slice(slash + 1)), kind };
}

export type AddressMatcher = { readonly empty: boolean; allows(address: string): boolean };

/** A matcher for a list of CIDRs; an empty list allows everyone (there is no allowlist). */
export function compileAllowlist(cidrs: readonly string[]): AddressMatcher {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const { network, prefix, kind } = splitCidr(cidr);
    list.addSubnet(network, prefix, kind);
  }
  return {
    empty: cidrs.length === 0,
    allows(address) {
      if (cidrs.length === 0) return true;
      const kind = family(address);
      return kind !== undefined && list.check(address, kind);
    },
  };
}
