import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

import { RawHeaders } from '@wahooks/events-contract';
import type { ConsumedRecord } from '@wahooks/kafka';

import { PoisonRecordError } from './failure-policy';

/**
 * The intake's proof on every record it writes to the raw (and unrouted)
 * topic: an HMAC, under a key only the intake and the consumers hold
 * (`INTAKE_RECORD_KEYS`), over the record's tenant and the sha256 of its
 * value. Any pod that can reach the broker could otherwise write
 * `whatsapp.webhooks.raw.v1` with any `wahooks-tenant-id` header and have the
 * consumers turn it into another tenant's statuses, messages and SMS; with
 * it, a consumer accepts a raw record only when the intake (which checked
 * Meta's signature) wrote it, even on a cluster without ACLs. A forgery is
 * dead-lettered with the reason. Several keys rotate: the first signs,
 * every one verifies.
 */
export class RecordProof {
  private readonly keys: Buffer[];

  constructor(keys: readonly string[]) {
    if (keys.length === 0) throw new Error('RecordProof needs at least one key (INTAKE_RECORD_KEYS)');
    this.keys = keys.map((k) => Buffer.from(k, 'utf8'));
  }

  /** The header value for a record; `valueSha256` when the caller has it already (the intake's delivery id). */
  sign(tenantId: string, value: Buffer, valueSha256 = sha256Hex(value)): string {
    return `v1=${mac(this.keys[0]!, tenantId, valueSha256)}`;
  }

  /** Throws PoisonRecordError for a record the intake did not write (no proof, or a proof that does not match). */
  verify(record: ConsumedRecord): void {
    const proof = record.headers[RawHeaders.intakeProof];
    const tenantId = record.headers[RawHeaders.tenantId];
    const where = `${record.topic} ${record.partition}/${record.offset}`;
    if (!proof) throw new PoisonRecordError(`record ${where} carries no intake proof (${RawHeaders.intakeProof}): not written by the intake`);
    if (!tenantId || !record.value) throw new PoisonRecordError(`record ${where} has no tenant or no body`);
    const given = Buffer.from(proof.startsWith('v1=') ? proof.slice(3) : '', 'hex');
    const digest = sha256Hex(record.value);
    for (const key of this.keys) {
      const expected = Buffer.from(mac(key, tenantId, digest), 'hex');
      if (given.length === expected.length && timingSafeEqual(given, expected)) return;
    }
    throw new PoisonRecordError(`record ${where} carries an intake proof that does not match its tenant and body: a forgery, or a key this consumer does not hold`);
  }
}

const sha256Hex = (value: Buffer): string => createHash('sha256').update(value).digest('hex');
const mac = (key: Buffer, tenantId: string, valueSha256: string): string => createHmac('sha256', key).update(`v1\n${tenantId}\n${valueSha256}`).digest('hex');
