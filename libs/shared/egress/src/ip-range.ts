import { isIPv4, isIPv6 } from 'node:net';

/** Why an address is not on the public internet; `public` when it is. */
export type IpRange =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'reserved';

/** An address as bytes: 4 for IPv4, 16 for IPv6. */
export type IpBytes = Uint8Array;

/**
 * The bytes of a canonical IPv4 (dotted quad) or IPv6 address; brackets and
 * a zone (`fe80::1%eth0`) are accepted. Only the forms the WHATWG URL parser
 * and the resolver produce: `2130706433`, `0x7f.1` or `0177.0.0.1` are not
 * addresses here (URL parsing has already turned them into `127.0.0.1`, and
 * a host name spelled so is refused by the resolver).
 */
export function parseIp(text: string): IpBytes | undefined {
  const address = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (isIPv4(address)) return Uint8Array.from(address.split('.').map(Number));
  if (!isIPv6(address)) return undefined;
  let tail: number[] = [];
  let head = address;
  const v4 = /:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    tail = [(a << 8) | b, (c << 8) | d];
    // Keep the "::" of "::a.b.c.d" and "::ffff:a.b.c.d"; drop the single ":" before the IPv4 part otherwise.
    head = address.slice(0, v4.index + 1);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const [left = '', right] = head.split('::') as [string, string | undefined];
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const l = groups(left);
  const r = right === undefined ? [] : groups(right);
  const fill = 8 - tail.length - l.length - r.length;
  const words = [...l, ...(right === undefined ? [] : new Array<number>(fill).fill(0)), ...r, ...tail];
  if (words.length !== 8) return undefined;
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[i * 2] = w >> 8;
    bytes[i * 2 + 1] = w & 0xff;
  });
  return bytes;
}

/** Whether `bytes` lies in `net`/`prefix` (same family). */
export function inNet(bytes: IpBytes, net: IpBytes, prefix: number): boolean {
  if (bytes.length !== net.length) return false;
  for (let bit = 0; bit < prefix; bit += 8) {
    const take = Math.min(8, prefix - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    const i = bit / 8;
    if (((bytes[i] ?? 0) & mask) !== ((net[i] ?? 0) & mask)) return false;
  }
  return true;
}

type Table = ReadonlyArray<readonly [IpBytes, number, IpRange]>;

const net = (cidr: string, range: IpRange) => {
  const [a, bits] = cidr.split('/') as [string, string];
  return [parseIp(a)!, Number(bits), range] as const;
};

/** IANA's IPv4 special-purpose registry, and what we call each entry. */
const V4: Table = [
  net('0.0.0.0/8', 'unspecified'),
  net('10.0.0.0/8', 'private'),
  net('100.64.0.0/10', 'cgnat'),
  net('127.0.0.0/8', 'loopback'),
  net('169.254.0.0/16', 'link-local'),
  net('172.16.0.0/12', 'private'),
  net('192.0.0.0/24', 'reserved'),
  net('192.0.2.0/24', 'documentation'),
  net('192.88.99.0/24', 'reserved'),
  net('192.168.0.0/16', 'private'),
  net('198.18.0.0/15', 'reserved'),
  net('198.51.100.0/24', 'documentation'),
  net('203.0.113.0/24', 'documentation'),
  net('224.0.0.0/4', 'multicast'),
  net('255.255.255.255/32', 'broadcast'),
  net('240.0.0.0/4', 'reserved'),
];

/** IPv6 ranges that are not global unicast; tried in order (the first match wins). */
const V6: Table = [
  net('::/128', 'unspecified'),
  net('::1/128', 'loopback'),
  net('64:ff9b:1::/48', 'private'),
  net('100::/64', 'reserved'),
  net('2001::/32', 'reserved'), // Teredo: tunnels to an address we cannot check
  net('2001:2::/48', 'reserved'),
  net('2001:db8::/32', 'documentation'),
  net('2001:10::/28', 'reserved'),
  net('2001:20::/28', 'reserved'),
  net('3fff::/20', 'documentation'),
  net('fc00::/7', 'private'),
  net('fe80::/10', 'link-local'),
  net('fec0::/10', 'private'),
  net('ff00::/8', 'multicast'),
];

const GLOBAL_UNICAST = parseIp('2000::')!;
const NAT64 = parseIp('64:ff9b::')!;

/**
 * IPv6 forms that carry an IPv4 address, which is what such a packet
 * reaches: IPv4-mapped `::ffff:a.b.c.d`, the deprecated IPv4-compatible
 * `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d` and 6to4 `2002:AABB:CCDD::`.
 */
export function embeddedIpv4(bytes: IpBytes): IpBytes | undefined {
  if (bytes.length !== 16) return undefined;
  const zeros = (from: number, to: number) => bytes.subarray(from, to).every((b) => b === 0);
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12, 16);
  if (zeros(0, 12) && !zeros(12, 15)) return bytes.slice(12, 16);
  if (inNet(bytes, NAT64, 96)) return bytes.slice(12, 16);
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return bytes.slice(2, 6);
  return undefined;
}

/** Where an address points: `public`, or the kind of internal or special range it is in. */
export function classifyIp(address: string | IpBytes): IpRange | undefined {
  const bytes = typeof address === 'string' ? parseIp(address) : address;
  if (!bytes) return undefined;
  if (bytes.length === 4) return V4.find(([net, prefix]) => inNet(bytes, net, prefix))?.[2] ?? 'public';
  const inner = embeddedIpv4(bytes);
  if (inner) return classifyIp(inner);
  const special = V6.find(([net, prefix]) => inNet(bytes, net, prefix))?.[2];
  if (special) return special;
  // Everything outside 2000::/3 is unassigned or special.
  return inNet(bytes, GLOBAL_UNICAST, 3) ? 'public' : 'reserved';
}

/** The canonical text of an address (for logs). */
export function formatIp(bytes: IpBytes): string {
  if (bytes.length === 4) return bytes.join('.');
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  // The WHATWG URL parser writes IPv6 in RFC 5952's canonical form.
  return new URL(`http://[${words.join(':')}]/`).hostname.slice(1, -1);
}
