import { createServer as createHttpServer, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

import { createEgressAgent, EgressAgentOptions, EgressRefusedError, Resolve } from './egress-agent';
import { EgressPolicy } from './egress-policy';
import { describeOutboundFailure } from './outbound-failure';
import { LOCALHOST_CERT, LOCALHOST_KEY } from './testing/localhost-tls';

const policyOf = (...allow: string[]) => EgressPolicy.parse(allow.join(','));

/** A resolver from a table; records every question (the agent must ask once per connection and use that answer). */
function table(answers: Record<string, string[]>): Resolve & { asked: string[] } {
  const asked: string[] = [];
  return Object.assign(async (host: string) => {
    asked.push(host);
    const a = answers[host];
    if (!a) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return a;
  }, { asked });
}

interface Local {
  server: Server;
  port: number;
  /** Connections the server accepted. */
  connections: number;
}

async function listen(server: Server, host = '127.0.0.1'): Promise<Local> {
  const local: Local = { server, port: 0, connections: 0 };
  server.on('connection', () => local.connections++);
  await new Promise<void>((ok) => server.listen(0, host, ok));
  local.port = (server.address() as AddressInfo).port;
  return local;
}

const close = (l: Local) => {
  l.server.closeAllConnections();
  return new Promise((ok) => l.server.close(ok));
};

describe('egress agent (connect-time policy)', () => {
  let local: Local;
  let other: Local;

  beforeAll(async () => {
    local = await listen(
      createHttpServer((req, res) => {
        if (req.url === '/redirect') res.writeHead(302, { location: `http://127.0.0.1:${other.port}/` }).end();
        else res.writeHead(200).end('hello');
      }),
    );
    other = await listen(createHttpServer((_req, res) => res.writeHead(200).end('other')));
  });
  afterAll(async () => {
    await close(local);
    await close(other);
  });

  const get = (url: string, allow: string[], options: EgressAgentOptions = {}, init: RequestInit = {}) =>
    fetch(url, { ...init, dispatcher: createEgressAgent(policyOf(...allow), options) });

  /** The refusal's message. */
  const refusal = async (promise: Promise<unknown>): Promise<string> => {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    // fetch's TypeError "fetch failed" with the connector's error as cause. Here fetch (Node's realm) sees an error of
    // the test's realm and wraps it in a plain Error carrying its text; in an app it is the EgressRefusedError itself.
    expect(error).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
    const cause = (error as { cause?: { message?: string } }).cause;
    expect(cause?.message).toMatch(/^(EgressRefusedError: )?egress refused: /);
    expect(describeOutboundFailure(error).category).toBe('refused-by-egress-policy');
    return cause!.message!;
  };

  it('refuses 127.0.0.1 before connecting, unless EGRESS_ALLOW names it', async () => {
    const before = local.connections;
    expect(await refusal(get(`http://127.0.0.1:${local.port}/`, []))).toContain(`127.0.0.1:${local.port} -> 127.0.0.1 (loopback)`);
    expect(local.connections).toBe(before);

    expect(await (await get(`http://127.0.0.1:${local.port}/`, [`127.0.0.1:${local.port}`])).text()).toBe('hello');
    expect(await (await get(`http://127.0.0.1:${local.port}/`, ['127.0.0.0/8'])).text()).toBe('hello');
    // Allowed on another port only: still refused.
    await refusal(get(`http://127.0.0.1:${local.port}/`, [`127.0.0.1:${other.port}`]));
  });

  it('sees the address that numeric host spellings mean', async () => {
    for (const host of ['2130706433', '0x7f.1', '0177.0.0.1', '127.1', '[::ffff:127.0.0.1]']) {
      expect(await refusal(get(`http://${host}:${local.port}/`, []))).toMatch(/:\d+ -> (127\.0\.0\.1|::ffff:7f00:1) \(loopback\)/);
    }
    expect(local.connections).toBe(2); // the two allowed requests of the first test
    // Allowed as 127.0.0.1: the same address however it is spelled.
    expect((await get(`http://2130706433:${local.port}/`, [`127.0.0.1:${local.port}`])).status).toBe(200);
  });

  it('checks what a host name resolves to when it connects, and connects only to an address it checked', async () => {
    const resolve = table({ 'rebound.example': ['127.0.0.1'], 'mixed.example': ['10.0.0.1', '127.0.0.1'] });
    // A name that resolves to loopback: refused at connect time, whatever any earlier check of the name said.
    expect(await refusal(get(`http://rebound.example:${local.port}/`, [], { resolve }))).toContain(`rebound.example:${local.port} -> 127.0.0.1 (loopback)`);
    // Several answers: the refused ones are skipped, the connection goes to the allowed one.
    const res = await get(`http://mixed.example:${local.port}/`, [`127.0.0.1:${local.port}`], { resolve });
    expect(await res.text()).toBe('hello');
    expect(resolve.asked).toEqual(['rebound.example', 'mixed.example']);
  });

  it('passes a host name EGRESS_ALLOW names, whatever it resolves to', async () => {
    const resolve = table({ 'fake-graph.test': ['127.0.0.1'] });
    expect((await get(`http://fake-graph.test:${local.port}/`, ['fake-graph.test'], { resolve })).status).toBe(200);
    await refusal(get(`http://fake-graph.test:${local.port}/`, [`fake-graph.test:${other.port}`], { resolve }));
  });

  it('tries the next checked address when one does not answer', async () => {
    const resolve = table({ 'both.test': ['::1', '127.0.0.1'] });
    // Nothing listens on [::1]:port (the server is on 127.0.0.1 only).
    expect((await get(`http://both.test:${local.port}/`, [`::1`, `127.0.0.1:${local.port}`], { resolve })).status).toBe(200);
  });

  it('a redirect is answered as is with redirect: manual, and a followed redirect is checked like any connection', async () => {
    const manual = await get(`http://127.0.0.1:${local.port}/redirect`, [`127.0.0.1:${local.port}`], {}, { redirect: 'manual' });
    expect(manual.status).toBe(302);
    await refusal(get(`http://127.0.0.1:${local.port}/redirect`, [`127.0.0.1:${local.port}`], {}, { redirect: 'follow' }));
  });

  it('names the host, port and refused addresses in its error (for our logs)', () => {
    const e = new EgressRefusedError('metadata.internal', 80, [{ address: '169.254.169.254', range: 'link-local' }]);
    expect(e).toMatchObject({ code: 'EGRESS_REFUSED', message: expect.stringContaining('metadata.internal:80 -> 169.254.169.254 (link-local)') });
    expect(describeOutboundFailure(new TypeError('fetch failed', { cause: e })).category).toBe('refused-by-egress-policy');
  });

  it('a name that does not resolve is a network error, not a refusal', async () => {
    const error = await get('http://nowhere.test/', [], { resolve: table({}) }).catch((e: unknown) => e);
    expect(describeOutboundFailure(error)).toMatchObject({ category: 'network', detail: expect.stringContaining('ENOTFOUND') });
  });

  it('over TLS, connects to the checked address and still verifies the certificate against the host name', async () => {
    const tls = await listen(createHttpsServer({ cert: LOCALHOST_CERT, key: LOCALHOST_KEY }, (_req, res) => res.writeHead(200).end('secure')) as unknown as Server);
    try {
      const options = { resolve: table({ localhost: ['127.0.0.1'] }), tls: { ca: LOCALHOST_CERT } };
      const ok = await get(`https://localhost:${tls.port}/`, [`127.0.0.1:${tls.port}`], options);
      expect(await ok.text()).toBe('secure');
      await refusal(get(`https://localhost:${tls.port}/`, [], options));
      // The certificate names localhost only: by address, verification fails (it is checked against the URL's host).
      const byAddress = await get(`https://127.0.0.1:${tls.port}/`, [`127.0.0.1:${tls.port}`], options).catch((e: unknown) => e);
      expect(describeOutboundFailure(byAddress)).toMatchObject({ category: 'network', detail: expect.stringMatching(/IP: 127.0.0.1 is not in the cert's list|ERR_TLS_CERT_ALTNAME_INVALID/) });
    } finally {
      await close(tls);
    }
  });
});
