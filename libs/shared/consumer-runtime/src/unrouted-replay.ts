import { randomBytes } from 'node:crypto';

import { RAW_SCHEMA_VERSION, RawHeaders, Topics } from '@wahooks/events-contract';
import { BatchingProducer, OutgoingRecord, readToEnd, type KafkaClients } from '@wahooks/kafka';
import { contentLabel, decideRouting, entryRoutingKeys, parseWebhookBody, splitEnvelopeByEntries } from '@wahooks/meta-contract';
import type { ConsumedRecord } from '@wahooks/kafka';

import { RecordProof } from './record-proof';

/** Who owns a WABA or a business phone number now (undefined: still nobody, or a disabled tenant). */
export interface TenantRoutes {
  byWaba(wabaId: string): string | undefined;
  byPhoneNumber(phoneNumberId: string): string | undefined;
}

export interface UnroutedReport {
  /** Records read from the unrouted topic (up to its end when the run started). */
  read: number;
  /** Raw records written, one per (record, tenant): never more than the entries read. */
  replayed: number;
  byTenant: Record<string, number>;
  /** Entries whose WABA still has no tenant: left where they are, for a later run. */
  stillUnrouted: number;
  /** Records without the intake's proof, or that are not a webhook envelope (should not happen: the intake wrote them). */
  unreadable: number;
  endOffsets: Record<number, string>;
}

/**
 * Routes what the intake kept on the unrouted topic (platform-URL entries of
 * WABAs no tenant owned yet) now that tenants are registered: each record's
 * entries are routed again exactly as the intake routes a delivery, and each
 * tenant's entries are written to the raw topic as the intake would have
 * (the tenant's key and headers, the original body and signature kept for
 * audit). It reads the whole topic up to the end it had when the run
 * started, with a throwaway group, and commits nothing: entries still
 * unrouted stay for a later run, and entries replayed twice are duplicates
 * the consumers skip by idempotency key.
 */
export async function replayUnrouted(kafka: KafkaClients, routes: TenantRoutes, proof: RecordProof, options: { dryRun: boolean; timeoutMs: number }): Promise<UnroutedReport> {
  const report: UnroutedReport = { read: 0, replayed: 0, byTenant: {}, stillUnrouted: 0, unreadable: 0, endOffsets: {} };
  const producer: BatchingProducer = kafka.producer('unrouted-replay', { lingerMs: 0, maxBatch: 100, publishTimeoutMs: 30_000 });
  try {
    if (!options.dryRun) await producer.connect();
    const read = await readToEnd(kafka, { topic: Topics.webhooksUnrouted, groupId: `wahooks-unrouted-replay-${randomBytes(4).toString('hex')}`, timeoutMs: options.timeoutMs }, async (batch) => {
      const writes: Array<Promise<void>> = [];
      for (const record of batch.records) {
        report.read++;
        // Only what the intake wrote is routed: the unrouted topic carries its proof too.
        try {
          proof.verify(record);
        } catch {
          report.unreadable++;
          continue;
        }
        for (const raw of rawRecordsFor(record, routes, report, proof)) {
          report.replayed++;
          report.byTenant[raw.key] = (report.byTenant[raw.key] ?? 0) + 1;
          if (!options.dryRun) writes.push(producer.publish(raw));
        }
      }
      await Promise.all(writes);
    });
    report.endOffsets = read.endOffsets;
  } finally {
    await producer.close();
  }
  return report;
}

/** The raw records one unrouted record becomes now; counts what stays unrouted. */
export function rawRecordsFor(record: ConsumedRecord, routes: TenantRoutes, report: Pick<UnroutedReport, 'stillUnrouted' | 'unreadable'>, proof: RecordProof): OutgoingRecord[] {
  const parsed = record.value ? parseWebhookBody(record.value) : undefined;
  if (!parsed?.ok) {
    report.unreadable++;
    return [];
  }
  const envelope = parsed.envelope;
  const owners = envelope.entry.map((entry) => {
    const keys = entryRoutingKeys(entry);
    return (keys.wabaId ? routes.byWaba(keys.wabaId) : undefined) ?? keys.phoneNumberIds.map((p) => routes.byPhoneNumber(p)).find((t) => t !== undefined);
  });
  const decision = decideRouting(owners);
  const deliveryId = record.headers[RawHeaders.deliveryId] ?? `unrouted:${record.partition}:${record.offset}`;
  // The bytes Meta signed: the record's own value when the intake kept a whole delivery, else the header it kept.
  const original = record.headers[RawHeaders.originalBody] ?? record.value?.toString() ?? '';
  const headers = (tenantId: string) => ({
    [RawHeaders.tenantId]: tenantId,
    [RawHeaders.receivedAt]: record.headers[RawHeaders.receivedAt] ?? new Date(record.timestamp).toISOString(),
    [RawHeaders.deliveryId]: `${deliveryId}:${tenantId}`,
    [RawHeaders.signature]: record.headers[RawHeaders.signature] ?? '',
    [RawHeaders.route]: 'platform-url',
    [RawHeaders.schemaVersion]: RAW_SCHEMA_VERSION,
    [RawHeaders.originalBody]: original,
    ...(record.headers[RawHeaders.traceparent] ? { [RawHeaders.traceparent]: record.headers[RawHeaders.traceparent] } : {}),
  });
  if (decision.kind === 'unrouted') {
    report.stillUnrouted += decision.entries.length;
    return [];
  }
  const raw = (tenantId: string, entries: number[]): OutgoingRecord => {
    const value = Buffer.from(splitEnvelopeByEntries(envelope, entries));
    return {
      topic: Topics.webhooksRaw,
      key: tenantId,
      value,
      headers: { ...headers(tenantId), [RawHeaders.content]: contentLabel(envelope, entries), [RawHeaders.intakeProof]: proof.sign(tenantId, value) },
    };
  };
  if (decision.kind === 'whole') return [raw(decision.tenantId, envelope.entry.map((_, i) => i))];
  report.stillUnrouted += decision.unrouted.length;
  return decision.parts.map(({ tenantId, entries }) => raw(tenantId, entries));
}
