import { RecordProof } from '@wahooks/consumer-runtime';
import { RawHeaders } from '@wahooks/events-contract';

let proof: RecordProof | undefined;

/**
 * The intake's proof header for a raw record the bench writes straight to
 * Kafka (the consumers refuse raw records without it), with the keys the
 * services run with (INTAKE_RECORD_KEYS, set by scripts/lib/env.sh).
 */
export function intakeProof(tenantId: string, body: string): Record<string, string> {
  proof ??= new RecordProof((process.env['INTAKE_RECORD_KEYS'] ?? '').split(',').map((k) => k.trim()).filter(Boolean));
  return { [RawHeaders.intakeProof]: proof.sign(tenantId, Buffer.from(body)) };
}
