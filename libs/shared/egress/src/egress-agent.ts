import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';

import { Agent, buildConnector } from 'undici';

import { EgressPolicy } from './egress-policy';

/** What `fetch(url, { dispatcher })` takes (the global fetch's type of undici's Dispatcher). */
export type FetchDispatcher = NonNullable<RequestInit['dispatcher']>;

/** A resolver: every address of a host name, in the order to try them. */
export type Resolve = (host: string) => Promise<string[]>;

const systemResolve: Resolve = async (host) => (await dnsLookup(host, { all: true })).map((a) => a.address);

/**
 * A connection the policy refused. The message (for our logs) names the
 * host, port and the refused addresses; what a tenant sees of it is only
 * `refused-by-egress-policy` (see `describeOutboundFailure`).
 */
export class EgressRefusedError extends Error {
  override readonly name = 'EgressRefusedError';
  readonly code = 'EGRESS_REFUSED';

  constructor(
    readonly host: string,
    readonly port: number,
    readonly refused: ReadonlyArray<{ address: string; range: string }>,
  ) {
    super(`egress refused: ${host.includes(':') ? `[${host}]` : host}:${port} -> ${refused.map((r) => `${r.address} (${r.range})`).join(', ') || 'no address'}; allow it with EGRESS_ALLOW if intended`);
  }
}

export interface EgressAgentOptions {
  /** Per connection attempt (undici's default is 10 s); callers bound whole requests with their own signals. */
  connectTimeoutMs?: number;
  /** Tests replace the resolver (a host name that resolves to what they need). */
  resolve?: Resolve;
  /** TLS options, e.g. `ca` for a private certificate authority. */
  tls?: Pick<ConnectionOptions, 'ca'>;
}

type ConnectOptions = Parameters<buildConnector.connector>[0];
type ConnectCallback = Parameters<buildConnector.connector>[1];

/**
 * An undici dispatcher for `fetch(url, { dispatcher })` whose connect step
 * resolves the host itself, checks every address with the policy, and
 * connects to an address it checked: what was checked is what is connected
 * to, so a DNS answer that changes between a check and the connection (DNS
 * rebinding) cannot slip past. An address literal is checked as is (the URL
 * parser has already normalised `2130706433` and the like to `127.0.0.1`).
 * Refused addresses are skipped; when none is left the connection fails with
 * EgressRefusedError. TLS still verifies the certificate against the host
 * name (SNI from the request's host). Every new connection is checked, so a
 * followed redirect is checked too; callers still use `redirect: 'manual'`
 * where a redirect has no business happening.
 */
export function createEgressAgent(policy: EgressPolicy, options: EgressAgentOptions = {}): FetchDispatcher {
  const resolve = options.resolve ?? systemResolve;
  const connect = buildConnector({ ...options.tls, timeout: options.connectTimeoutMs ?? 10_000 });
  const agent = new Agent({
    connect(opts: ConnectOptions, callback: ConnectCallback) {
      const host = opts.hostname;
      const port = Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80);
      const target = { host, port };
      const addresses = isIP(host) ? Promise.resolve([host]) : resolve(host);
      addresses.then(
        (all) => {
          const refused: Array<{ address: string; range: string }> = [];
          const allowed = all.filter((address) => {
            const v = policy.verdict(target, address);
            if (!v.allowed) refused.push({ address, range: v.range });
            return v.allowed;
          });
          if (allowed.length === 0) return callback(new EgressRefusedError(host, port, refused), null);
          tryEach(allowed, opts, connect, callback);
        },
        (error: Error) => callback(error, null),
      );
    },
  });
  // The same undici version as Node's fetch (see docs/dependencies.md); only the type declarations are separate copies.
  return agent as unknown as FetchDispatcher;
}

/** Connects to the checked addresses in turn (e.g. ::1 refused, then 127.0.0.1); the last error if none answers. */
function tryEach(addresses: string[], opts: ConnectOptions, connect: buildConnector.connector, callback: ConnectCallback): void {
  const [address, ...rest] = addresses as [string, ...string[]];
  // `hostname` is what the socket connects to; SNI and the certificate check use the name in `host`.
  connect({ ...opts, hostname: address }, (...args) => {
    if (args[0] && rest.length > 0) return tryEach(rest, opts, connect, callback);
    callback(...args);
  });
}
