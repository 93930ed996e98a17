import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';

import { Topics } from '@wahooks/events-contract';

import type { TargetProcess } from '../processes';
import type { BenchContext, Figure, Suite, SuiteReport } from '../suite';
import { benchTopicPrefix } from './consumer-throughput';
import { intakeProof } from './raw-proof';
import { plainInsert, startConsumerService } from './status.suite';

const PER_RECORD = 5;

/** `records` raw deliveries of PER_RECORD text messages each, from distinct customers of one tenant. */
function inboundRecords(tenantId: string, records: number) {
  return Array.from({ length: records }, (_, i) => {
    const messages = Array.from({ length: PER_RECORD }, (_, k) => ({
      from: `1555${String(i % 500).padStart(4, '0')}${k}`,
      id: `wamid.in.${tenantId}.${i}.${k}`,
      timestamp: String(1_700_000_000 + i),
      type: 'text',
      text: { body: `hello ${i}/${k}` },
    }));
    const contacts = messages.map((m) => ({ profile: { name: `Customer ${m.from}` }, wa_id: m.from }));
    const value = {
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001111', phone_number_id: '1000' }, contacts, messages } }] }],
    };
    const body = JSON.stringify(value);
    return { key: tenantId, value: body, headers: { 'wahooks-tenant-id': tenantId, 'wahooks-received-at': new Date().toISOString(), ...intakeProof(tenantId, body) } };
  });
}

/**
 * Issue 3's figure: inbound messages/s end to end (raw topic → event store →
 * messages, contacts, conversations, window → output topics through the
 * outbox), against the same plain multi-row INSERT baseline as the status suite.
 */
export const inboundSuite: Suite = {
  id: 'inbound',
  title: 'Inbound-reply: customer messages into the event store and the projections',
  async run(ctx: BenchContext): Promise<SuiteReport> {
    const records = ctx.options.smoke ? 100 : 2000;
    const db = new Client({ connectionString: ctx.env['DATABASE_URL'] });
    await db.connect();
    let service: TargetProcess | undefined;
    try {
      const baseline = await plainInsert(db, records, ctx);
      service = await startConsumerService(ctx, 'inbound-reply');
      const tenantId = `bench-inbound-${randomBytes(3).toString('hex')}`;
      const kafka = new Kafka({ brokers: String(ctx.env['KAFKA_BROKERS']).split(','), logLevel: logLevel.NOTHING });
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      const messages = inboundRecords(tenantId, records);
      const expected = records * PER_RECORD;
      const started = performance.now();
      for (let i = 0; i < messages.length; i += 200) await producer.send({ topic: benchTopicPrefix(ctx) + Topics.webhooksRaw, acks: -1, messages: messages.slice(i, i + 200) });
      await producer.disconnect();
      let applied = 0;
      const deadline = Date.now() + 300_000;
      while (applied < expected && Date.now() < deadline) {
        const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM inbound_messages WHERE tenant_id = $1`, [tenantId]);
        applied = rows[0]?.n ?? 0;
        if (applied < expected) await new Promise((r) => setTimeout(r, 20));
      }
      const rate = applied / ((performance.now() - started) / 1000);
      ctx.log(`[bench] inbound: ${applied}/${expected} messages, ${Math.round(rate)} messages/s`);
      if (applied < expected) throw new Error(`only ${applied} of ${expected} inbound messages were projected within 300 s`);
      const figures: Figure[] = [
        {
          name: 'Inbound messages/s end to end (one tenant, one partition), vs a plain multi-row INSERT of the same number of event rows',
          target: 'recorded (no target set)',
          measured: `${Math.round(rate)} vs ${Math.round(baseline)} rows/s = ${((rate / baseline) * 100).toFixed(0)}%`,
          pass: applied === expected,
        },
      ];
      const notes = [
        `**Method.** ${records} raw deliveries of ${PER_RECORD} text messages each (${expected} messages from ${Math.min(records, 500) * PER_RECORD} customers, with their contacts) produced to \`${Topics.webhooksRaw}\` under one tenant key; timed from the first produce until every message is in \`inbound_messages\` (each batch: append, contact and conversation folds, window, message rows, outbox rows for the messages and customer-replied topics, commit). Baseline: the status suite's plain multi-row INSERT of the same number of event rows, in the same run.`,
      ];
      return { figures, runs: [], notes, artifacts: [] };
    } finally {
      await service?.stop();
      await db.end();
    }
  },
};
