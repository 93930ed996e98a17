import { createHmac } from 'node:crypto';

import { signLikeMeta } from './http';
import { Prng } from './prng';

/** One hostile request and the status the intake's contract (docs/intake.md) promises for it. */
export interface FuzzCase {
  category: string;
  detail: string;
  method: 'POST' | 'GET';
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  expect: number;
}

export interface FuzzTarget {
  tenantId: string;
  secret: string;
  verifyToken: string;
  disabledTenantId: string;
  disabledSecret: string;
  platformSecret: string | undefined;
  bodyLimit: number;
  /** Real Meta payloads to truncate and tamper with. */
  samples: Buffer[];
  /** Put in every JSON body generated here, so a leak to Kafka is recognisable. */
  marker: string;
}

const JSON_TYPE = { 'content-type': 'application/json' };
// Clearly not JSON. `application/json; charset=utf-8` is JSON (the intake
// accepts media-type parameters), so it is not among them.
const NOT_JSON = ['text/plain', 'text/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=fuzz', 'application/xml', 'application/octet-stream', 'application/javascript', 'application/jsonp', 'image/png', 'application/json, text/plain', 'text/html; charset=utf-8', 'application/x-ndjson'];
const RESERVED = new Set(['content-type', 'content-length', 'transfer-encoding', 'host', 'connection', 'expect', 'keep-alive', 'upgrade', 'te', 'trailer', 'x-hub-signature-256']);

/** What the intake parses as an envelope (would be accepted once signed): never generated as "bad". */
export function isEnvelope(body: Buffer): boolean {
  try {
    const v = JSON.parse(body.toString('utf8')) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const entry = (v as Record<string, unknown>)['entry'];
    return Array.isArray(entry) && entry.every((e) => typeof e === 'object' && e !== null && !Array.isArray(e));
  } catch {
    return false;
  }
}

export function generateCases(rng: Prng, t: FuzzTarget, count: number): FuzzCase[] {
  const url = (id: string) => `/webhooks/whatsapp/${id}`;
  const envelope = (): Buffer =>
    Buffer.from(
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ id: rng.digits(15), changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550000000', phone_number_id: rng.digits(15) }, statuses: [{ id: `wamid.${t.marker}-${rng.hex(8)}`, status: rng.pick(['sent', 'delivered', 'read', 'failed']), timestamp: '1767225600', recipient_id: rng.digits(11) }] } }] }],
      }),
    );
  const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => rng.int(0, 255)));
  const randomJson = (depth = 0): unknown => {
    const k = rng.int(0, depth > 2 ? 3 : 6);
    if (k === 0) return null;
    if (k === 1) return rng.int(-1e6, 1e6);
    if (k === 2) return `${t.marker}${rng.hex(rng.int(0, 20))}`;
    if (k === 3) return rng.chance(0.5);
    if (k === 4) return Array.from({ length: rng.int(0, 4) }, () => randomJson(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = rng.int(0, 4); i > 0; i--) o[rng.pick(['entry', 'object', 'id', 'changes', rng.hex(4)])] = randomJson(depth + 1);
    return o;
  };
  const malformed = (): Buffer => {
    for (;;) {
      const kind = rng.int(0, 5);
      const sample = rng.pick(t.samples);
      const b =
        kind === 0 ? sample.subarray(0, rng.int(0, Math.max(0, sample.length - 1)))
        : kind === 1 ? randomBytes(rng.int(1, 600))
        : kind === 2 ? Buffer.from(JSON.stringify(randomJson()))
        : kind === 3 ? Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: rng.pick([{}, 'x', 1, null, [1], [[]], [null], [{}, 'y']]) }))
        : kind === 4 ? Buffer.from(sample.toString('utf8').replace(/[{}[\]":,]/, () => rng.pick(['', '}', '\u0000', '\\', "'"])))
        : Buffer.from(rng.pick(['', ' ', 'null', 'true', '0', '""', '[]', '{}', '{"entry":null}', '\uFEFF{"entry":[]}', '{"entry":[]}garbage', 'NaN']));
      if (!isEnvelope(b)) return b;
    }
  };
  const noise = (): Record<string, string> => {
    const h: Record<string, string> = {};
    for (let i = rng.int(0, 3); i > 0; i--) {
      const name = rng.pick([`x-fuzz-${rng.hex(6)}`, 'traceparent', 'x-hub-signature', 'user-agent', 'accept', 'x-forwarded-for', 'accept-encoding']);
      if (!RESERVED.has(name)) h[name] = rng.pick([rng.hex(rng.int(0, 200)), '00-zz-yy-01', 'sha1=deadbeef', '*/*', ' ', '\t;,=', '1.2.3.4, 5.6.7.8']);
    }
    return h;
  };
  const badSignature = (body: Buffer): [string, string | undefined] => {
    const good = signLikeMeta(body, t.secret);
    return rng.pick<[string, string | undefined]>([
      ['missing', undefined],
      ['wrong secret', signLikeMeta(body, `${t.secret}x`)],
      ['another body', signLikeMeta(Buffer.concat([body, Buffer.from(' ')]), t.secret)],
      ['uppercase hex', `sha256=${good.slice(7).toUpperCase()}`],
      ['prefix uppercase', `SHA256=${good.slice(7)}`],
      ['truncated hex', good.slice(0, rng.int(7, good.length - 1))],
      ['random hex', `sha256=${rng.hex(64)}`],
      ['sha1', `sha1=${createHmac('sha1', t.secret).update(body).digest('hex')}`],
      ['no prefix', good.slice(7)],
      // (Whitespace around the value is not part of it in HTTP: ` sha256=… ` is a good signature.)
      ['space inside', `sha256= ${good.slice(7)}`],
      ['two values', `${good}, ${signLikeMeta(body, 'other')}`],
      ['empty', ''],
      ['disabled tenant secret', signLikeMeta(body, t.disabledSecret)],
    ]);
  };
  const sign = (body: Buffer, secret = t.secret) => ({ 'x-hub-signature-256': signLikeMeta(body, secret) });

  const makers: Array<readonly [() => FuzzCase, number]> = [
    [() => ({ category: 'malformed (400)', detail: 'signed, not an envelope', method: 'POST', path: url(t.tenantId), headers: {}, body: malformed(), expect: 400 }), 30],
    [() => {
      const tampered = rng.chance(0.4);
      const body = tampered ? Buffer.from(rng.pick(t.samples)) : envelope();
      // Tampered: Meta's exact signature over the original bytes, then one bit of the body flipped.
      const [detail, sig] = tampered ? ['good signature, body altered after signing', signLikeMeta(body, t.secret)] : badSignature(body);
      if (tampered && body.length > 0) {
        const at = rng.int(0, body.length - 1);
        body[at] = (body[at] ?? 0) ^ (1 << rng.int(0, 6));
      }
      return { category: 'bad signature (401)', detail, method: 'POST', path: url(t.tenantId), headers: sig === undefined ? {} : { 'x-hub-signature-256': sig }, body, expect: 401 };
    }, 30],
    [() => {
      const id = rng.pick([`${t.marker}-${rng.hex(6)}`, encodeURIComponent(`ünknown/${rng.hex(4)}`), rng.hex(300), `${t.tenantId}-not`, t.disabledTenantId, `${t.tenantId}/extra`, '%00', encodeURIComponent('<script>')]);
      const body = envelope();
      // Path parameters over Fastify's maxParamLength (100) are refused as 414 URI Too Long, before routing.
      const expect = id.length > 100 ? 414 : 404;
      return { category: `unknown or disabled tenant (${expect})`, detail: id.slice(0, 40), method: 'POST', path: url(id), headers: rng.chance(0.5) ? sign(body, id === t.disabledTenantId ? t.disabledSecret : t.secret) : {}, body, expect };
    }, 12],
    [() => {
      const body = rng.chance(0.7) ? envelope() : malformed();
      const type = rng.pick([...NOT_JSON, `${rng.pick(['text', 'application', 'x'])}/${rng.hex(5)}`, '']);
      return { category: 'content type (415)', detail: type || 'none', method: 'POST', path: url(rng.chance(0.8) ? t.tenantId : `${t.marker}-x`), headers: { ...(type ? { 'content-type': type } : { 'content-type': '' }), ...sign(body) }, body, expect: 415 };
    }, 14],
    [() => {
      const size = t.bodyLimit + rng.int(1, t.bodyLimit * 2);
      const body = rng.chance(0.5) ? Buffer.concat([envelope(), Buffer.alloc(size, 0x20)]) : randomBytes(size);
      return { category: 'oversized (413)', detail: `${size} bytes`, method: 'POST', path: url(rng.chance(0.8) ? t.tenantId : `${t.marker}-x`), headers: sign(body), body, expect: 413 };
    }, 2],
    [() => {
      // A signed, valid delivery for an unknown WABA is not hostile: it is kept on the unrouted topic
      // with a 200 (tested in the intake's own suite), so signed bodies here are always malformed.
      const valid = rng.chance(0.5);
      const body = valid ? envelope() : malformed();
      if (!t.platformSecret) return { category: 'platform URL', detail: 'no platform app', method: 'POST', path: '/webhooks/whatsapp', headers: sign(body, 'x'.repeat(16)), body, expect: 401 };
      const [detail, sig] = valid || rng.chance(0.5) ? badSignature(body) : ['signed', signLikeMeta(body, t.platformSecret)];
      const expect = detail !== 'signed' ? 401 : 400;
      return { category: `platform URL (${expect})`, detail: `${detail}${valid ? ', unknown WABA' : ', malformed'}`, method: 'POST', path: '/webhooks/whatsapp', headers: sig === undefined ? {} : { 'x-hub-signature-256': sig }, body, expect };
    }, 8],
    [() => {
      const known = rng.chance(0.7);
      const q = new URLSearchParams({ 'hub.mode': rng.pick(['subscribe', 'subscribe', 'unsubscribe', '']), 'hub.verify_token': rng.pick([`${t.verifyToken}x`, rng.hex(12), '', t.verifyToken.toUpperCase()]), 'hub.challenge': rng.digits(10) });
      return { category: `handshake (${known ? 403 : 404})`, detail: q.toString().slice(0, 60), method: 'GET', path: `${url(known ? t.tenantId : `${t.marker}-${rng.hex(4)}`)}?${q}`, headers: {}, expect: known ? 403 : 404 };
    }, 4],
  ];

  return Array.from({ length: count }, () => {
    const c = rng.weighted(makers)();
    const base = c.method === 'POST' && c.expect !== 415 ? JSON_TYPE : {};
    // Signed-and-malformed cases need the real signature: computed last, over the final bytes.
    const signed = c.category === 'malformed (400)' && c.body ? sign(c.body) : {};
    return { ...c, headers: { ...base, ...noise(), ...c.headers, ...signed } };
  });
}
