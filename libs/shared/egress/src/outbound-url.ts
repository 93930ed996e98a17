import { EgressPolicy } from './egress-policy';
import { classifyIp, parseIp } from './ip-range';

export type OutboundUrlCheck = { ok: true; url: URL } | { ok: false; reason: 'invalid' | 'scheme' | 'credentials' | 'internal-address'; message: string };

export interface OutboundUrlRules {
  /** Plain http to any host (development); otherwise only to hosts EGRESS_ALLOW names. */
  allowPlainHttp: boolean;
}

/** The port a URL connects to. */
export function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/**
 * The early check of a URL a tenant (or an operator) gives us to call: a
 * clear answer when it is set, before anything is sent. The WHATWG parser
 * has already turned `2130706433`, `0x7f.1` and `[::ffff:127.0.0.1]` into
 * the address they mean, so those are judged as addresses. A host name is
 * not resolved here: what it resolves to at send time is checked by the
 * egress agent when it connects, which is the guard that counts.
 */
export function checkOutboundUrl(raw: string, policy: EgressPolicy, rules: OutboundUrlRules): OutboundUrlCheck {
  const url = URL.parse(raw);
  if (!url || !url.hostname) return { ok: false, reason: 'invalid', message: 'not an absolute URL' };
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'scheme', message: 'only https (or http where allowed) URLs can be called' };
  if (url.username || url.password) return { ok: false, reason: 'credentials', message: 'the URL must not contain a user name or password' };
  const target = { host: url.hostname, port: portOf(url) };
  const listed = policy.allowListed(target);
  if (url.protocol === 'http:' && !rules.allowPlainHttp && !listed) return { ok: false, reason: 'scheme', message: 'the URL must use https' };
  const bytes = parseIp(url.hostname);
  const range = bytes ? classifyIp(bytes) : undefined;
  if (range && range !== 'public' && !listed) {
    return { ok: false, reason: 'internal-address', message: `the URL points at a ${range} address, which outbound calls may not reach` };
  }
  return { ok: true, url };
}
