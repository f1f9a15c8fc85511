import { BlockList, isIPv4 } from 'node:net';

/**
 * Whether a publisher at `address` may push, given the CIDRs it must come from (an input security
 * group's whitelist). No list: any address. An address that can't be read is outside every list.
 */
export function sourceAllowed(cidrs: readonly string[] | undefined, address: string | undefined): boolean {
  if (cidrs === undefined) return true;
  if (!address) return false;
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network, prefix] = cidr.split('/');
    list.addSubnet(network, Number(prefix ?? (isIPv4(network) ? 32 : 128)), isIPv4(network) ? 'ipv4' : 'ipv6');
  }
  // A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d.
  const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return list.check(plain, isIPv4(plain) ? 'ipv4' : 'ipv6');
}
