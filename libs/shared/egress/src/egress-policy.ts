import { EgressAllowEntry, parseEgressAllowEntry } from '@wahooks/config';

import { classifyIp, embeddedIpv4, inNet, IpBytes, IpRange, parseIp } from './ip-range';

/** Where a call goes: the host as the URL names it (name or address) and the port. */
export interface EgressTarget {
  host: string;
  port: number;
}

export type EgressVerdict = { allowed: true; why: 'public' | 'allow-list' } | { allowed: false; range: Exclude<IpRange, 'public'> };

interface Net {
  bytes: IpBytes;
  prefix: number;
  port: number | undefined;
}

/** A host name as compared: lower case, without the root's trailing dot. */
export const normalHost = (host: string): string => host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');

/**
 * The decision for one connection: a public address passes; an internal
 * one (private, loopback, link-local, CGNAT, unspecified, multicast,
 * broadcast, documentation, reserved, and IPv6 forms carrying such an IPv4)
 * passes only when EGRESS_ALLOW names its network or the host name the call
 * was made to, on any port or that port.
 */
export class EgressPolicy {
  private readonly nets: Net[] = [];
  private readonly hosts: Array<{ host: string; port: number | undefined }> = [];

  constructor(allow: readonly EgressAllowEntry[]) {
    for (const entry of allow) {
      if (entry.kind === 'host') this.hosts.push({ host: normalHost(entry.host), port: entry.port });
      else {
        const bytes = parseIp(entry.address);
        if (!bytes) throw new Error(`EGRESS_ALLOW: "${entry.address}" is not an address`);
        this.nets.push({ bytes, prefix: entry.prefix, port: entry.port });
      }
    }
  }

  /** From EGRESS_ALLOW's text (tests and tools; apps get the parsed entries from the config). */
  static parse(allow: string): EgressPolicy {
    const entries = allow
      .split(',')
      .filter((raw) => raw.trim() !== '')
      .map((raw) => {
        const entry = parseEgressAllowEntry(raw);
        if (typeof entry === 'string') throw new Error(`EGRESS_ALLOW: ${entry}`);
        return entry;
      });
    return new EgressPolicy(entries);
  }

  /** Whether a connection to `address` (what `target.host` resolved to, or `target.host` itself) may be made. */
  verdict(target: EgressTarget, address: string): EgressVerdict {
    const bytes = parseIp(address);
    // Not an address at all: nothing to connect to, and nothing we can vouch for.
    if (!bytes) return { allowed: false, range: 'reserved' };
    const range = classifyIp(bytes) ?? 'reserved';
    if (range === 'public') return { allowed: true, why: 'public' };
    if (this.hostAllowed(target) || this.addressAllowed(bytes, target.port)) return { allowed: true, why: 'allow-list' };
    return { allowed: false, range };
  }

  /** Whether EGRESS_ALLOW names this host (a name, or an address in an allowed network), without resolving it. */
  allowListed(target: EgressTarget): boolean {
    const bytes = parseIp(target.host);
    return bytes ? this.addressAllowed(bytes, target.port) : this.hostAllowed(target);
  }

  private hostAllowed(target: EgressTarget): boolean {
    const host = normalHost(target.host);
    return this.hosts.some((h) => h.host === host && (h.port === undefined || h.port === target.port));
  }

  private addressAllowed(bytes: IpBytes, port: number): boolean {
    // An IPv4 address written as IPv6 (::ffff:127.0.0.1) is matched as the IPv4 it reaches.
    const forms = [bytes, embeddedIpv4(bytes)].filter((b): b is IpBytes => b !== undefined);
    return this.nets.some((n) => (n.port === undefined || n.port === port) && forms.some((b) => inNet(b, n.bytes, n.prefix)));
  }
}
