import { randomBytes } from 'node:crypto';

import { RawHeaders, Topics } from '@wahooks/events-contract';

import type { BenchContext, Figure, Suite, SuiteReport } from '../suite';
import { CONSUMER_CPU_NOTE, ConsumerRun, consumerRunsTable, interleave, KafkaRecord, rawRecord, runThroughKafka, versusBaseline, withConsumerRig, workload } from './consumer-throughput';
import { plainInsert } from './status.suite';
import { envelope } from './status-workload';

const PER_RECORD = 5;
const TENANTS_SPREAD = 12;
/** Half of the failures ask for an SMS; the rest cover the other actions of the policy table. */
const FAILURE_CODES = [131026, 131047, 131026, 130429, 131026, 131000, 131026, 131048, 131021, 131026] as const;
const SMS_CODE = 131026;
const SMS_SECRET = 'wahooks-bench-sms-signing-secret';

interface FallbackTraffic {
  tenantIds: string[];
  accepted: KafkaRecord[];
  raw: KafkaRecord[];
  /** Accepted sends + statuses: what the service observes (the rate's unit). */
  observations: number;
  /** Statuses alone: the service stores only those that are news. */
  statuses: number;
  failures: number;
  sms: number;
}

/**
 * `messages` outbound messages of one tenant as the fallback trigger sees
 * them: each one's accepted send (recipient, template, internal id), then
 * Meta's statuses in three waves of webhooks (sent; delivered or failed;
 * read), PER_RECORD statuses per webhook. 30% fail (codes above, with
 * Meta's error shape), 10% stop at delivered, 60% are read.
 */
function tenantTraffic(tenantId: string, messages: number): Omit<FallbackTraffic, 'tenantIds'> {
  const accepted: KafkaRecord[] = [];
  const waves: object[][] = [[], [], []];
  let failures = 0;
  let sms = 0;
  for (let i = 0; i < messages; i++) {
    const wamid = `wamid.fb.${tenantId}.${i}`;
    const recipient = `1555${String(i).padStart(7, '0')}`;
    const t = 1_750_000_000 + i;
    const category = i % 4 === 0 ? 'marketing' : 'utility';
    const pricing = { billable: true, pricing_model: 'PMP', type: 'regular', category };
    const status = (s: string, dt: number, extra: object): object => ({ id: wamid, status: s, timestamp: String(t + dt), recipient_id: recipient, ...extra });
    accepted.push({
      key: tenantId,
      value: JSON.stringify({
        internalMessageId: `${tenantId}-msg-${i}`,
        wamid,
        phoneNumberId: '1000',
        recipient,
        template: { name: 'order_update', language: 'en_US' },
        acceptedAt: new Date(t * 1000).toISOString(),
      }),
      headers: { [RawHeaders.tenantId]: tenantId },
    });
    waves[0]!.push(status('sent', 0, { pricing, conversation: { id: `c.${tenantId}.${i}`, origin: { type: category } } }));
    if (i % 10 < 3) {
      const code = FAILURE_CODES[failures % FAILURE_CODES.length]!;
      failures += 1;
      if (code === SMS_CODE) sms += 1;
      const error = { code, title: `error ${code}`, message: `error ${code}`, error_data: { details: `details of ${code}` }, href: '/documentation/business-messaging/whatsapp/support/error-codes' };
      waves[1]!.push(status('failed', 5, { errors: [error] }));
    } else {
      waves[1]!.push(status('delivered', 5, { pricing }));
      if (i % 10 !== 3) waves[2]!.push(status('read', 10, { pricing }));
    }
  }
  const raw: KafkaRecord[] = [];
  for (const wave of waves) for (let i = 0; i < wave.length; i += PER_RECORD) raw.push(rawRecord(tenantId, envelope(wave.slice(i, i + PER_RECORD))));
  const statuses = waves.reduce((n, w) => n + w.length, 0);
  return { accepted, raw, observations: accepted.length + statuses, statuses, failures, sms };
}

/** The same total spread over tenants, interleaved (each tenant's records stay in order). */
function traffic(prefix: string, tenants: number, messages: number): FallbackTraffic {
  const tenantIds = Array.from({ length: tenants }, (_, i) => `${prefix}-${i}`);
  const parts = tenantIds.map((t) => tenantTraffic(t, Math.ceil(messages / tenants)));
  return {
    tenantIds,
    accepted: interleave(parts.map((p) => p.accepted)),
    raw: interleave(parts.map((p) => p.raw)),
    observations: parts.reduce((n, p) => n + p.observations, 0),
    statuses: parts.reduce((n, p) => n + p.statuses, 0),
    failures: parts.reduce((n, p) => n + p.failures, 0),
    sms: parts.reduce((n, p) => n + p.sms, 0),
  };
}

interface Measured {
  run: ConsumerRun;
  traffic: FallbackTraffic;
  /** The run's SMS idempotency keys that reached the provider, and the calls carrying them. */
  keys: number;
  requests: number;
  smsWindowS: number;
  /** `fallback.status` events stored for the run's statuses. */
  storedStatuses: number;
}

/**
 * Issue 6: the fallback trigger's events/s through Kafka into the event
 * store and its projection, every decision made and every SMS sent through a
 * local provider, against the status suite's plain multi-row INSERT baseline
 * in the same run.
 */
export const fallbackSuite: Suite = {
  id: 'fallback',
  title: 'Fallback trigger: failed statuses into decisions, the projection and SMS',
  run(ctx: BenchContext): Promise<SuiteReport> {
    const smoke = ctx.options.smoke;
    const messages = workload(ctx, 4000, 60);
    return withConsumerRig(ctx, 'idempotency-key', async ({ db, kafka, sink, start }) => {
      const run = randomBytes(3).toString('hex');
      const single = traffic(`bench-fb-${run}`, 1, messages);
      const baseline = await plainInsert(db, Math.ceil(single.observations / PER_RECORD), ctx);
      // The local sink is an internal address: EGRESS_ALLOW names it (address and port).
      const service = await start('fallback-trigger', { FALLBACK_SMS_URL: sink.url, FALLBACK_SMS_SECRET: SMS_SECRET, EGRESS_ALLOW: new URL(sink.url).host });
      const measure = async (label: string, t: FallbackTraffic): Promise<Measured> => {
        const result = await runThroughKafka(ctx, kafka, db, service, {
          label,
          produce: [
            { topic: Topics.messagesAccepted, records: t.accepted },
            { topic: Topics.webhooksRaw, records: t.raw },
          ],
          units: t.observations,
          tenants: t.tenantIds,
          // Every record is applied once the group committed it (runThroughKafka waits for that first);
          // statuses that are not news are not stored, so what is left to wait for is the SMS.
          applied: async () => {
            const { rows } = await db.query<{ decided: number; sent: number }>(
              `SELECT (SELECT count(*)::int FROM fallback_message WHERE tenant_id = ANY($1::text[]) AND action IS NOT NULL) AS decided,
                      (SELECT count(*)::int FROM fallback_sms WHERE tenant_id = ANY($1::text[]) AND status = 'sent') AS sent`,
              [t.tenantIds],
            );
            const { decided, sent } = rows[0]!;
            return { done: decided >= t.failures && sent >= t.sms, detail: `${decided}/${t.failures} failures decided, ${sent}/${t.sms} SMS sent` };
          },
        });
        const { rows } = await db.query<{ decided: number; keys: string[] | null; window: number | null }>(
          `SELECT (SELECT count(*)::int FROM fallback_message WHERE tenant_id = ANY($1::text[]) AND action IS NOT NULL) AS decided,
                  array_agg(idempotency_key) AS keys, extract(epoch FROM max(completed_at) - min(created_at))::float8 AS window
           FROM fallback_sms WHERE tenant_id = ANY($1::text[])`,
          [t.tenantIds],
        );
        const check = rows[0]!;
        const keys = check.keys ?? [];
        if (check.decided !== t.failures || keys.length !== t.sms) {
          throw new Error(`${label}: ${check.decided} decisions for ${t.failures} failures, ${keys.length} SMS rows for ${t.sms} ${SMS_CODE} failures`);
        }
        const received = sink.received(keys);
        const stored = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE tenant_id = ANY($1::text[]) AND type = 'fallback.status'`, [t.tenantIds]);
        return { run: result, traffic: t, keys: received.keys, requests: received.calls, smsWindowS: check.window ?? 0, storedStatuses: stored.rows[0]!.n };
      };
      // Unreported warm-up: JIT, connection pools, the group's first fetches.
      if (!smoke) await measure('warm-up', traffic(`bench-fb-${run}-warm`, 1, Math.ceil(messages / 10)));
      const one = await measure('1 tenant, 1 partition', single);
      const spread = await measure(`${TENANTS_SPREAD} tenants over the partitions`, traffic(`bench-fb-${run}-s`, TENANTS_SPREAD, messages));

      const runs = [one, spread];
      const sms = runs.reduce((n, m) => n + m.traffic.sms, 0);
      const keys = runs.reduce((n, m) => n + m.keys, 0);
      const requests = runs.reduce((n, m) => n + m.requests, 0);
      const smsRate = sms / runs.reduce((s, m) => s + m.smsWindowS, 0);
      const statuses = runs.reduce((n, m) => n + m.traffic.statuses, 0);
      const storedStatuses = runs.reduce((n, m) => n + m.storedStatuses, 0);
      const figures: Figure[] = [
        {
          name: `Fallback-trigger events/s end to end (${TENANTS_SPREAD} tenants over the partitions): accepted sends and statuses into store + projection, every failure decided, every SMS sent; vs a plain multi-row INSERT of the same number of rows`,
          target: 'recorded (no target set)',
          measured: versusBaseline(spread.run.rate, baseline),
          pass: true,
        },
        {
          name: 'Fallback-trigger events/s on a single partition (one tenant)',
          target: 'recorded (no target set)',
          measured: versusBaseline(one.run.rate, baseline),
          pass: true,
        },
        {
          name: `SMS fallbacks (${SMS_CODE}) sent through the local provider, each exactly once`,
          target: 'one provider call and key per SMS',
          measured: `${sms} SMS, ${keys} of their keys at the provider in ${requests} calls; ${Math.round(smsRate)} SMS/s from first request to last outcome`,
          pass: keys === sms && requests === sms,
        },
        {
          name: 'Statuses stored per status observed (`fallback.status` events: only the news, see docs/fallback-trigger.md)',
          target: 'recorded (no target set)',
          measured: `${storedStatuses} of ${statuses} = ${(storedStatuses / statuses).toFixed(2)}`,
          pass: true,
        },
      ];
      const notes = [
        consumerRunsTable('Run', 'event', runs.map((m) => ({ point: m.run.label, run: m.run }))),
        CONSUMER_CPU_NOTE,
        `**Method.** ${messages} outbound messages per run (spread evenly over the run's tenants, fresh tenant ids each run): each one's accepted send on \`${Topics.messagesAccepted}\` (internal id, recipient, template), then Meta's statuses on \`${Topics.webhooksRaw}\` in three waves of webhooks of ${PER_RECORD} statuses (sent with PMP pricing and conversation; delivered or failed; read): 30% fail with Meta's error shape (codes ${[...new Set(FAILURE_CODES)].join(', ')}, half of the failures ${SMS_CODE}), 10% stop at delivered, 60% are read; the one-tenant run has ${single.observations} events (${single.failures} failures, ${single.sms} SMS). Timed from the first produce until the group has committed every record (each batch: keep the statuses that are news against the message rows, append with idempotency check, fold, decide, decisions and their outbox rows and SMS requests, projection upsert, commit, then the offset commit), every failure is decided and every SMS request is recorded as sent: the dispatcher claims due rows (\`FOR UPDATE SKIP LOCKED\`, 20 a round), POSTs them signed with their idempotency key to a local receiver in the bench process that answers 200 at once, and records the outcome (row, event, outbox). The rate counts what the service observes (accepted sends and statuses), stored or not; decisions and SMS events are extra store events not counted in it. Then checked: one decision per failure, one SMS row per ${SMS_CODE} failure, one key per SMS at the provider. The one-tenant run uses one partition; the ${TENANTS_SPREAD} tenants' keys hash over the 6 partitions of each topic, consumed 3 at a time by one process. Baseline: the status suite's plain multi-row INSERT of the same number of event rows, in the same run.`,
      ];
      return { figures, runs: [], notes, artifacts: [] };
    });
  },
};
