import { createHash } from 'node:crypto';

import { RawHeaders } from '@wahooks/events-contract';
import type { ConsumedRecord } from '@wahooks/kafka';

import { PoisonRecordError } from './failure-policy';
import { RecordProof } from './record-proof';

const record = (value: string, headers: Record<string, string>): ConsumedRecord => ({ topic: 'whatsapp.webhooks.raw.v1', partition: 0, offset: '7', key: 't', value: Buffer.from(value), headers, timestamp: 0 });

describe('RecordProof', () => {
  const proof = new RecordProof(['a-key-only-the-intake-and-consumers-hold']);
  const body = '{"object":"whatsapp_business_account","entry":[]}';
  const signed = (tenant: string, value = body) => record(value, { [RawHeaders.tenantId]: tenant, [RawHeaders.intakeProof]: proof.sign(tenant, Buffer.from(value)) });

  it('accepts what the intake signed', () => {
    expect(() => proof.verify(signed('acme'))).not.toThrow();
  });

  it('refuses a record without a proof, as poison', () => {
    expect(() => proof.verify(record(body, { [RawHeaders.tenantId]: 'acme' }))).toThrow(PoisonRecordError);
    expect(() => proof.verify(record(body, { [RawHeaders.tenantId]: 'acme' }))).toThrow(/no intake proof/);
  });

  it('refuses a proof moved to another tenant or another body', () => {
    const r = signed('acme');
    expect(() => proof.verify({ ...r, headers: { ...r.headers, [RawHeaders.tenantId]: 'victim' } })).toThrow(/does not match/);
    expect(() => proof.verify({ ...r, value: Buffer.from(`${body} `) })).toThrow(/does not match/);
  });

  it('refuses a proof made with another key, and accepts both keys during a rotation', () => {
    const other = new RecordProof(['somebody-elses-key-of-enough-length']);
    const forged = record(body, { [RawHeaders.tenantId]: 'acme', [RawHeaders.intakeProof]: other.sign('acme', Buffer.from(body)) });
    expect(() => proof.verify(forged)).toThrow(/does not match/);
    const rotating = new RecordProof(['a-new-key-that-signs-from-now-on', 'a-key-only-the-intake-and-consumers-hold']);
    expect(() => rotating.verify(signed('acme'))).not.toThrow();
  });

  it('signs with the digest it is given (the delivery id) exactly as it would compute it', () => {
    const digest = createHash('sha256').update(body).digest('hex');
    expect(proof.sign('acme', Buffer.from(body), digest)).toBe(proof.sign('acme', Buffer.from(body)));
  });
});
