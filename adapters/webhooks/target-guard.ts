import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

export type TargetPolicy = 'public' | 'any';

/** A client's webhook URL this engine will not post to, and why. */
export class UnsafeWebhookTarget extends Error {
  override readonly name = 'UnsafeWebhookTarget';
}

/**
 * Addresses a client's endpoint may not be: this host, the provider's private networks, cloud
 * metadata (169.254.169.254), and the special ranges of RFC 6890. IPv4-mapped and NAT64 IPv6
 * addresses are refused whole: they could carry any of the IPv4 ones.
 */
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  // the deprecated IPv4-compatible (::a.b.c.d) and SIIT (::ffff:0:a.b.c.d) forms, and site-local
  ['::', 96],
  ['::ffff:0:0:0', 96],
  ['fec0::', 10],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv6');

const PRIVATE_MAPPED = new BlockList();
PRIVATE_MAPPED.addSubnet('::ffff:0:0', 96, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  // IPv4-mapped (::ffff:a.b.c.d, in any spelling) is checked apart: BlockList would match every IPv4 address against it
  if (family === 6 && PRIVATE_MAPPED.check(address, 'ipv6')) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The URL a client may register, normalized, or UnsafeWebhookTarget. Under `public`: https only,
 * no credentials in it, and a host that is neither a private address literal (in any of the
 * forms URL parsing folds into one: 2130706433, 0x7f.1, [::ffff:127.0.0.1]) nor localhost. A name
 * is checked again on every delivery, against what it resolves to then (see guardedLookup).
 */
export function checkWebhookUrl(raw: string, policy: TargetPolicy): string {
  if (raw.length > 2048) throw new UnsafeWebhookTarget('the URL is longer than 2048 characters');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeWebhookTarget('not an absolute URL');
  }
  if (url.protocol !== 'https:' && !(policy === 'any' && url.protocol === 'http:'))
    throw new UnsafeWebhookTarget(`the URL must be https, not ${url.protocol.replace(':', '')}`);
  if (url.username || url.password) throw new UnsafeWebhookTarget('the URL must not carry credentials');
  url.hash = '';
  if (policy === 'any') return url.href;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(host) !== 0 ? isPrivateAddress(host) : host === 'localhost' || host.endsWith('.localhost') || !host.includes('.'))
    throw new UnsafeWebhookTarget(`${url.hostname} is not a public address`);
  return url.href;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
type Resolver = (hostname: string, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const systemResolver: Resolver = (hostname, callback) => dnsLookup(hostname, { all: true }, callback);

/**
 * A `lookup` for http(s).request that refuses a name resolving to any private address (under
 * `public`): the connection goes to the address checked, so a name that resolves to a public
 * address at registration and to 127.0.0.1 at delivery (DNS rebinding) is refused then.
 */
export function guardedLookup(policy: TargetPolicy, resolve: Resolver = systemResolver) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    resolve(hostname, (error, addresses) => {
      if (error) return callback(error, []);
      if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      const unsafe = policy === 'public' ? addresses.find((a) => isPrivateAddress(a.address)) : undefined;
      if (unsafe)
        return callback(
          Object.assign(new Error(`${hostname} resolves to ${unsafe.address}, not a public address`), { code: 'EUNSAFETARGET' }),
          [],
        );
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
