import { randomInt } from 'node:crypto';

import { Topics } from '@wahooks/events-contract';

import type { BenchContext, Figure, Suite, SuiteReport } from '../suite';
import { CONSUMER_CPU_NOTE, ConsumerRun, consumerRunsTable, interleave, KafkaRecord, rawRecord, runThroughKafka, versusBaseline, withConsumerRig, workload } from './consumer-throughput';
import { plainInsert } from './status.suite';
import { BENCH_APP_SECRET, BENCH_TENANT_ID, startIntake } from './targets';

const ENTRIES_PER_RECORD = 5;
const TEMPLATES_PER_WABA = 50;
const PHONES_PER_WABA = 2;
const ACCOUNT_ENTRIES_PER_ROUND = 2;
const ROUNDS = 4;
const ALERT_SECRET = 'wahooks-bench-alert-signing-secret';

interface Entry {
  field: string;
  value: object;
}

const quality = (previous: string, next: string) => ({ previous_quality_score: previous, new_quality_score: next });
/** A template's lifecycle, entered at a different step by each template: one step in seven alerts (the pause). */
const TEMPLATE_STEPS: Array<{ field: string; value: object }> = [
  { field: 'message_template_status_update', value: { event: 'APPROVED', reason: 'NONE', message_template_category: 'UTILITY' } },
  { field: 'message_template_quality_update', value: quality('UNKNOWN', 'GREEN') },
  { field: 'message_template_quality_update', value: quality('GREEN', 'YELLOW') },
  { field: 'message_template_status_update', value: { event: 'PAUSED', reason: 'NONE', other_info: { title: 'FIRST_PAUSE', description: 'Paused for low quality' } } },
  { field: 'message_template_status_update', value: { event: 'REINSTATED', reason: 'NONE', other_info: { title: 'UNPAUSE', description: 'Unpaused' } } },
  { field: 'message_template_quality_update', value: quality('YELLOW', 'GREEN') },
  { field: 'template_category_update', value: { previous_category: 'UTILITY', new_category: 'MARKETING' } },
];
/** One in four alerts (FLAGGED). */
const PHONE_EVENTS = ['THROUGHPUT_UPGRADE', 'ONBOARDING', 'FLAGGED', 'UNFLAGGED'];
/** One in four alerts (the restriction). */
const ACCOUNT_STEPS: Entry[] = [
  { field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } },
  { field: 'business_capability_update', value: { max_daily_conversations_per_business: 'TIER_10K', max_phone_numbers_per_business: 25 } },
  { field: 'account_review_update', value: { decision: 'APPROVED' } },
  { field: 'account_update', value: { event: 'ACCOUNT_RESTRICTION', restriction_info: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: 1_750_086_400 }] } },
];

/**
 * One WABA's management webhooks: ROUNDS rounds of an entry for each of its
 * TEMPLATES_PER_WABA templates (status, quality and category updates; a fifth
 * spell the language `en-US`), PHONES_PER_WABA phone-number quality updates
 * and ACCOUNT_ENTRIES_PER_ROUND account facts, every entry with its own
 * increasing `entry.time`, ENTRIES_PER_RECORD entries per webhook.
 */
function wabaRecords(tenantId: string, wabaId: string): { records: KafkaRecord[]; entries: number } {
  const entries: Entry[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < TEMPLATES_PER_WABA; k++) {
      const step = TEMPLATE_STEPS[(r + k) % TEMPLATE_STEPS.length]!;
      const ref = { message_template_id: Number(`${wabaId.slice(-6)}${String(k).padStart(4, '0')}`), message_template_name: `bench_template_${k}`, message_template_language: k % 5 === 0 ? 'en-US' : 'en_US' };
      entries.push({ field: step.field, value: { ...step.value, ...ref } });
    }
    for (let p = 0; p < PHONES_PER_WABA; p++) {
      entries.push({
        field: 'phone_number_quality_update',
        value: { display_phone_number: `1555010${String(p).padStart(4, '0')}`, event: PHONE_EVENTS[r % PHONE_EVENTS.length], max_daily_conversations_per_business: 'TIER_10K' },
      });
    }
    for (let a = 0; a < ACCOUNT_ENTRIES_PER_ROUND; a++) entries.push(ACCOUNT_STEPS[(r * ACCOUNT_ENTRIES_PER_ROUND + a) % ACCOUNT_STEPS.length]!);
  }
  const records: KafkaRecord[] = [];
  for (let i = 0; i < entries.length; i += ENTRIES_PER_RECORD) {
    const entry = entries.slice(i, i + ENTRIES_PER_RECORD).map((e, j) => ({ id: wabaId, time: 1_750_000_000 + (i + j) * 60, changes: [{ field: e.field, value: e.value }] }));
    records.push(rawRecord(tenantId, JSON.stringify({ object: 'whatsapp_business_account', entry })));
  }
  return { records, entries: entries.length };
}

function traffic(tenantId: string, wabas: number): { records: KafkaRecord[]; events: number } {
  const base = 900_000_000_000_000 + randomInt(1_000_000) * 1000;
  const parts = Array.from({ length: wabas }, (_, w) => wabaRecords(tenantId, String(base + w)));
  return { records: interleave(parts.map((p) => p.records)), events: parts.reduce((n, p) => n + p.entries, 0) };
}

/**
 * Issue 6: the template monitor's events/s through Kafka into the event store
 * and its projections (templates, phone numbers, accounts), with every alert
 * recorded and delivered as a signed webhook to the tenant's endpoint,
 * against the status suite's plain multi-row INSERT baseline in the same run.
 */
export const templateSuite: Suite = {
  id: 'template',
  title: 'Template monitor: management webhooks into the event store, the projections and alert deliveries',
  run(ctx: BenchContext): Promise<SuiteReport> {
    const smoke = ctx.options.smoke;
    const wabas = workload(ctx, 93, 1);
    return withConsumerRig(ctx, 'x-wahooks-delivery-id', async ({ db, kafka, sink, start }) => {
      const tenantId = BENCH_TENANT_ID;
      const measured = traffic(tenantId, wabas);
      const baseline = await plainInsert(db, Math.ceil(measured.events / ENTRIES_PER_RECORD), ctx);
      // The alert endpoint belongs to a registered tenant: the bench tenant, registered through the intake's admin API.
      await (await startIntake(ctx, BENCH_APP_SECRET, 'warn')).process.stop();
      // The alert endpoint is the local sink, an internal address: EGRESS_ALLOW names it (address and port).
      const service = await start('template-monitor', { EGRESS_ALLOW: new URL(sink.url).host });
      const put = await fetch(`${service.process.url}/admin/tenants/${tenantId}/alert-endpoint`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.env['ADMIN_API_TOKEN'] ?? ''}` },
        body: JSON.stringify({ url: sink.url, signingSecret: ALERT_SECRET }),
      });
      if (!put.ok) throw new Error(`setting the bench tenant's alert endpoint failed: ${put.status} ${await put.text()}`);

      const measure = async (label: string, t: { records: KafkaRecord[]; events: number }) => {
        const { rows: marks } = await db.query<{ position: string; alert: string; delivery: string }>(
          `SELECT (SELECT coalesce(max(global_position), 0) FROM events)::text AS position,
                  (SELECT coalesce(max(id), 0) FROM monitor_alerts)::text AS alert,
                  (SELECT coalesce(max(id), 0) FROM alert_deliveries)::text AS delivery`,
        );
        const mark = marks[0]!;
        const run = await runThroughKafka(ctx, kafka, db, service, {
          label,
          produce: [{ topic: Topics.webhooksRaw, records: t.records }],
          units: t.events,
          tenants: [tenantId],
          applied: async () => {
            const { rows } = await db.query<{ facts: number; pending: number }>(
              `SELECT (SELECT count(*)::int FROM events WHERE tenant_id = $1 AND global_position > $2::bigint AND idempotency_key LIKE 'template-monitor:%') AS facts,
                      (SELECT count(*)::int FROM alert_deliveries WHERE tenant_id = $1 AND id > $3::bigint AND status = 'pending') AS pending`,
              [tenantId, mark.position, mark.delivery],
            );
            const { facts, pending } = rows[0]!;
            return { done: facts >= t.events && pending === 0, detail: `${facts}/${t.events} facts, ${pending} alert deliveries pending` };
          },
        });
        const { rows } = await db.query<{ alerts: number; delivered: number; ids: string[] | null; window: number | null }>(
          `SELECT (SELECT count(*)::int FROM monitor_alerts WHERE tenant_id = $1 AND id > $2::bigint) AS alerts,
                  count(*) FILTER (WHERE status = 'delivered')::int AS delivered, array_agg(delivery_id) AS ids,
                  extract(epoch FROM max(finished_at) - min(created_at))::float8 AS window
           FROM alert_deliveries WHERE tenant_id = $1 AND id > $3::bigint`,
          [tenantId, mark.alert, mark.delivery],
        );
        const { ids, ...counts } = rows[0]!;
        const received = sink.received(ids ?? []);
        return { run, ...counts, keys: received.keys, requests: received.calls };
      };
      if (!smoke) await measure('warm-up', traffic(tenantId, Math.ceil(wabas / 15)));
      const m = await measure('1 tenant, 1 partition', measured);
      const rows: Array<{ point: string; run: ConsumerRun }> = [{ point: m.run.label, run: m.run }];
      const alertRate = m.window ? m.delivered / m.window : 0;
      const figures: Figure[] = [
        {
          name: "Template-monitor events/s end to end (one tenant, one partition): template, phone-number and account facts into store + projections, alerts recorded and delivered to the tenant's endpoint; vs a plain multi-row INSERT of the same number of rows",
          target: 'recorded (no target set)',
          measured: versusBaseline(m.run.rate, baseline),
          pass: true,
        },
        {
          name: "Alerts delivered as signed webhooks to the tenant's endpoint (a local receiver), each once",
          target: 'one delivery per alert',
          measured: `${m.alerts} alerts, ${m.delivered} delivered, ${m.keys} of their delivery ids at the receiver in ${m.requests} calls; ${Math.round(alertRate)} deliveries/s from first alert to last delivery`,
          pass: m.alerts > 0 && m.delivered === m.alerts && m.keys === m.alerts && m.requests === m.alerts,
        },
      ];
      const notes = [
        consumerRunsTable('Run', 'event', rows),
        CONSUMER_CPU_NOTE,
        `**Method.** ${wabas} WABA(s) of the bench tenant (fresh WABA ids each run), each with ${TEMPLATES_PER_WABA} templates, ${PHONES_PER_WABA} phone numbers and its account: ${ROUNDS} rounds of one entry per template (a lifecycle of status, quality and category updates: APPROVED, quality GREEN and YELLOW, PAUSED FIRST_PAUSE, REINSTATED, quality GREEN, category change; each template enters it at another step, a fifth spell the language \`en-US\`), one \`phone_number_quality_update\` per number (THROUGHPUT_UPGRADE, ONBOARDING, FLAGGED, UNFLAGGED) and ${ACCOUNT_ENTRIES_PER_ROUND} account facts (VERIFIED_ACCOUNT, \`business_capability_update\`, \`account_review_update\`, ACCOUNT_RESTRICTION); every entry with its own increasing \`entry.time\`, ${ENTRIES_PER_RECORD} entries per webhook, produced to \`${Topics.webhooksRaw}\` under the tenant's key (one partition): ${measured.events} events, of which ${m.alerts} raise an alert. Timed from the first produce until every fact is in the store under its \`template-monitor:\` key (each batch: append with idempotency check, fold into \`template_states\` / \`waba_health\`, alerts into \`monitor_alerts\`, outbox and \`alert_deliveries\`, commit, then the offset commit) and no alert delivery is pending: the dispatcher claims due deliveries (\`FOR UPDATE SKIP LOCKED\`, 20 a round), POSTs each signed to the tenant's endpoint (a local receiver in the bench process answering 200 at once) and records the attempt. Baseline: the status suite's plain multi-row INSERT of the same number of event rows, in the same run.`,
      ];
      return { figures, runs: [], notes, artifacts: [] };
    });
  },
};
