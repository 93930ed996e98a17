import { isIP } from 'node:net';

import { z } from 'zod';

import { defineSection } from './section';

/**
 * Outbound calls (alert webhooks, the SMS provider, Meta's Graph API and
 * CDN) may not reach private, loopback, link-local and other internal
 * addresses (libs/shared/egress); EGRESS_ALLOW names the exceptions.
 */

/** An allowed network (an address is a /32 or /128) or host name, on one port or any. */
export type EgressAllowEntry =
  | { kind: 'net'; address: string; prefix: number; port: number | undefined }
  | { kind: 'host'; host: string; port: number | undefined };

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

function port(text: string | undefined): number | undefined | null {
  if (text === undefined) return undefined;
  const n = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  return n >= 1 && n <= 65535 ? n : null;
}

/**
 * One entry: `10.0.0.0/8`, `127.0.0.1:8080`, `fd00::/8`, `[::1]:8080`,
 * `[fd00::/64]:443`, `sms-gateway.internal`, `minio:9000`. Returns the entry,
 * or a message saying what is wrong with it.
 */
export function parseEgressAllowEntry(raw: string): EgressAllowEntry | string {
  const text = raw.trim().toLowerCase();
  // [v6], [v6]:port, [v6/bits], [v6/bits]:port
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  // v4, v4/bits, v4:port, v4/bits:port, name, name:port
  const plain = /^([^:/]+)(\/\d{1,3})?(?::([^:]*))?$/.exec(text);
  let address: string;
  let bits: string | undefined;
  let portText: string | undefined;
  if (bracketed) {
    [address, bits] = bracketed[1]!.split('/') as [string, string | undefined];
    portText = bracketed[2];
    if (isIP(address) !== 6) return `"${raw}": only an IPv6 address goes in brackets`;
  } else if (plain) {
    address = plain[1]!;
    bits = plain[2]?.slice(1);
    portText = plain[3];
  } else {
    // A bare IPv6 address or network (no port: write [addr]:port for one).
    [address, bits] = text.split('/') as [string, string | undefined];
    if (isIP(address) !== 6) return `"${raw}": not an address, network or host name (IPv6 with a port: [addr]:port)`;
  }
  const p = port(portText);
  if (p === null) return `"${raw}": port must be 1-65535`;
  const family = isIP(address);
  if (family === 0) {
    const host = address.replace(/\.$/, '');
    if (bits !== undefined || !HOST_NAME.test(host) || /^[\d.]+$/.test(host)) return `"${raw}": not an address, network or host name`;
    return { kind: 'host', host, port: p };
  }
  const max = family === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return `"${raw}": prefix length must be 0-${max}`;
  return { kind: 'net', address, prefix, port: p };
}

const egressEnv = {
  /**
   * Comma list of what outbound calls may reach although it is internal:
   * networks (`10.20.0.0/16`), addresses (`127.0.0.1:8080`, `[::1]:8080`) and
   * host names (`sms-gateway.internal:8443`), each on one port or any.
   */
  EGRESS_ALLOW: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const entries: EgressAllowEntry[] = [];
      for (const raw of (v ?? '').split(',').filter((s) => s.trim() !== '')) {
        const entry = parseEgressAllowEntry(raw);
        if (typeof entry === 'string') ctx.addIssue({ code: 'custom', message: entry });
        else entries.push(entry);
      }
      return entries;
    }),
};

/** Outbound calls (OutboundHttp, libs/shared/egress): what they may reach although it is internal. */
export const egressSection = defineSection({
  name: 'egress',
  env: egressEnv,
  read: (c): EgressConfig => ({ allow: c.EGRESS_ALLOW }),
});

export interface EgressConfig {
  allow: EgressAllowEntry[];
}
