import { randomBytes } from 'node:crypto';

import { DlqHeaders, RecordProof, replayDeadLetters, replayUnrouted, TenantRoutes } from '@wahooks/consumer-runtime';
import { Topics } from '@wahooks/events-contract';
import { caughtUp, deadLetters, deliver, endOffsets, FaultKit, pgCtl, readApi, sameRawPartition, shell, SideTenant, sideTenant, sql, sqlWhenUp, until } from './fault-kit';
import { sleep } from './http';
import type { Suite } from './suite';

/** What one scenario hands back beside the common checks (oracle, SMS, dead letters). */
export interface ScenarioOutcome {
  ok: boolean;
  /** Measured figures, for docs/faults.md. */
  figures: Record<string, number | string | boolean>;
  problems: string[];
  /** Dead letters each consumer group must hold at the end (default: none). */
  expectedDeadLetters?: number;
}

export interface ScenarioContext {
  kit: FaultKit;
  suite: Suite;
  runId: string;
  groups: string[];
  /** A tenant id of the generated traffic (its records, its partition). */
  trafficTenant: string;
  /** Resolves when the generated traffic has been sent (every delivery acknowledged or given up). */
  trafficDone: Promise<unknown>;
}

export interface FaultScenario {
  id: string;
  title: string;
  /** Runs while the generated traffic flows (start it a little after the traffic started). */
  run(ctx: ScenarioContext): Promise<ScenarioOutcome>;
}

const ok = (figures: ScenarioOutcome['figures'] = {}, problems: string[] = [], expectedDeadLetters = 0): ScenarioOutcome => ({ ok: problems.length === 0, figures, problems, expectedDeadLetters });

const statusEnvelope = (wabaId: string, phoneNumberId: string, statuses: unknown[]) =>
  JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: wabaId, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550009999', phone_number_id: phoneNumberId }, statuses } }] }] });

const textEnvelope = (wabaId: string, phoneNumberId: string, wamid: string, body: string, from = '15551230000') =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: wabaId, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550009999', phone_number_id: phoneNumberId }, contacts: [{ profile: { name: 'Fault' }, wa_id: from }], messages: [{ from, id: wamid, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body } }] } }] }],
  });

const inboundMessage = (ctx: ScenarioContext, t: SideTenant, wamid: string) => readApi<{ content?: { body?: string }; textRepaired?: string[] }>(`${ctx.suite.inbound.url}/v1/inbound/messages/${encodeURIComponent(wamid)}`, t.apiKey);

export const SCENARIOS: FaultScenario[] = [
  {
    id: 'pg-read-only',
    title: 'Postgres read-only for 60 s, every connection dropped when it starts and ends (a failover as clients see it)',
    async run({ kit }) {
      // On the run's database only (other databases of this server are untouched): new sessions
      // start read-only, and the open ones are cut, as when the primary goes away.
      const db = new URL(kit.databaseUrl).pathname.slice(1);
      const cut = `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = '${db}' AND pid <> pg_backend_pid()`;
      await sleep(5000);
      kit.log('database read-only from now');
      await sql(kit, `ALTER DATABASE "${db}" SET default_transaction_read_only = on`, [], 'postgres');
      const before = await sql<{ n: number }>(kit, cut, [], 'postgres');
      await sleep(60_000);
      await sql(kit, `ALTER DATABASE "${db}" RESET default_transaction_read_only`, [], 'postgres');
      const after = await sql<{ n: number }>(kit, cut, [], 'postgres');
      kit.log('database writable again');
      return ok({ readOnlySeconds: 60, connectionsCut: (before[0]?.n ?? 0) + (after[0]?.n ?? 0) });
    },
  },
  {
    id: 'pg-restart',
    title: 'Postgres restarted',
    async run({ kit }) {
      await sleep(5000);
      const t0 = Date.now();
      await shell(kit, pgCtl('restart'));
      await sqlWhenUp(kit, 'SELECT 1');
      return ok({ restartMs: Date.now() - t0 });
    },
  },
  {
    id: 'pg-connections-killed',
    title: 'Every connection of the suite killed (pg_terminate_backend), three times',
    async run({ kit }) {
      let killed = 0;
      for (let i = 0; i < 3; i++) {
        await sleep(5000);
        const rows = await sqlWhenUp<{ n: number }>(kit, `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
        killed += rows[0]?.n ?? 0;
      }
      return ok({ connectionsKilled: killed });
    },
  },
  {
    id: 'broker-sigkill',
    title: 'The Kafka broker SIGKILLed and started again',
    async run({ kit }) {
      await sleep(5000);
      const t0 = Date.now();
      await shell(kit, 'kill -9 "$(cat "${KAFKA_DATA_DIR:-.data/kafka}/kafka.pid")"; sleep 2; bash scripts/kafka.sh up');
      return ok({ brokerBackMs: Date.now() - t0 });
    },
  },
  {
    id: 'consumer-sigkill',
    title: 'Each consumer SIGKILLed and its replacement started at once',
    async run({ suite }) {
      const figures: ScenarioOutcome['figures'] = {};
      const problems: string[] = [];
      for (const app of [suite.status, suite.fallback, suite.monitor, suite.inbound]) {
        await sleep(4000);
        const t0 = Date.now();
        await app.kill();
        await app.start();
        const resumed = Date.now() - t0;
        figures[`${app.name}.killToReadyMs`] = resumed;
        if (resumed > 10_000) problems.push(`${app.name}: replacement ready ${resumed} ms after the kill (target ≤ 10 s)`);
      }
      return ok(figures, problems);
    },
  },
  {
    id: 'poison-record',
    title: 'One malformed record planted in the raw topic, then every group replays its dead letters',
    async run(ctx) {
      const { kit, groups } = ctx;
      await sleep(5000);
      const producer = kit.kafka.producer('poison', { lingerMs: 0, maxBatch: 1, publishTimeoutMs: 30_000 });
      await producer.publish({ topic: Topics.webhooksRaw, key: ctx.trafficTenant, value: Buffer.from('not json at all'), headers: { 'wahooks-tenant-id': ctx.trafficTenant } });
      await producer.close();
      await ctx.trafficDone;
      const problems: string[] = [];
      const figures: ScenarioOutcome['figures'] = {};
      const first = await until(async () => {
        const letters = await deadLetters(kit, groups);
        return groups.every((g) => (letters[g]?.length ?? 0) >= 1) ? letters : undefined;
      }, 120_000, 2000);
      if (!first) problems.push('not every group dead-lettered the malformed record');
      for (const g of groups) {
        const letters = first?.[g] ?? [];
        if (letters.length !== 1 || letters[0]?.value?.toString() !== 'not json at all') problems.push(`${g}: ${letters.length} dead letters before the replay, expected exactly the planted record`);
      }
      // Each group replays its own letters: it terminates, and writes no more than it read.
      for (const g of groups) {
        const report = await replayDeadLetters(kit.kafka, { dlqTopic: `${g}.dlq`, replayerGroup: `${g}.dlq-replayer`, dryRun: false, max: Number.MAX_SAFE_INTEGER, timeoutMs: 60_000 });
        figures[`${g.replace(`${ctx.runId}-`, '')}.replay`] = `${report.read} read, ${report.replayed} written`;
        if (report.replayed > report.read || report.read !== 1) problems.push(`${g}: replay read ${report.read}, wrote ${report.replayed}`);
      }
      // The replayed record fails again, once per group, and waits for the next run.
      const after = await until(async () => {
        const letters = await deadLetters(kit, groups);
        return groups.every((g) => (letters[g]?.length ?? 0) >= 2) ? letters : undefined;
      }, 120_000, 2000);
      for (const g of groups) {
        const letters = after?.[g] ?? [];
        if (letters.length !== 2 || letters[1]?.headers[DlqHeaders.replays] !== '1') problems.push(`${g}: ${letters.length} dead letters after the replay (expected 2, the second replayed once)`);
      }
      return { ...ok(figures, problems), expectedDeadLetters: 2 };
    },
  },
  {
    id: 'oversized-inbound',
    title: 'A tenant-signed inbound text message of 1.5 MB',
    async run(ctx) {
      const t = await sideTenant(ctx.kit, ctx.suite.intake.adminUrl, `${ctx.runId}-big`);
      const wamid = `wamid.faults-big-${ctx.runId}`;
      const text = 'x'.repeat(1_500_000);
      const status = await deliver(`${ctx.suite.intake.url}/webhooks/whatsapp/${t.id}`, textEnvelope(t.wabaId, t.phoneNumberId, wamid, text), t.secret);
      const stored = await until(async () => {
        const r = await inboundMessage(ctx, t, wamid);
        return r.status === 200 ? r.body : undefined;
      }, 120_000);
      const problems: string[] = [];
      if (status !== 200) problems.push(`intake answered ${status}`);
      if (stored?.content?.body?.length !== text.length) problems.push(`read API has ${stored?.content?.body?.length ?? 'no'} characters of the 1.5 MB text`);
      const parked = await sqlWhenUp<{ n: number }>(ctx.kit, `SELECT count(*)::int AS n FROM outbox_parked WHERE tenant_id = $1`, [t.id]);
      const drained = await until(async () => ((await sqlWhenUp<{ n: number }>(ctx.kit, `SELECT count(*)::int AS n FROM outbox WHERE tenant_id = $1`, [t.id]))[0]?.n === 0 ? true : undefined), 60_000);
      if ((parked[0]?.n ?? 0) > 0) problems.push('its outbox row was parked instead of published with a reference');
      if (!drained) problems.push('its outbox rows never drained');
      return ok({ bytes: text.length, stored: stored !== undefined }, problems);
    },
  },
  {
    id: 'large-delivery',
    title: 'A 3 MB delivery (Meta\'s documented maximum) of 20,000 failed statuses, and another tenant on the same partition behind it',
    async run(ctx) {
      const { kit, suite, groups } = ctx;
      const big = await sideTenant(kit, suite.intake.adminUrl, `${ctx.runId}-bulk`);
      const neighbourId = await sameRawPartition(kit, big.id, `${ctx.runId}-nb`);
      const neighbour = await sideTenant(kit, suite.intake.adminUrl, neighbourId);
      const ts = String(Math.floor(Date.now() / 1000));
      // 1 in 100 is 131026 (not a WhatsApp user: one SMS each), the rest 131047 (window closed: template required).
      // Short ids (Meta's are about 60 characters, but a run's own must be unique): 20,000 statuses fit in 3 MB.
      const tag = randomBytes(3).toString('hex');
      const statusesOf = (n: number) =>
        Array.from({ length: n }, (_, i) => ({
          id: `wamid.${tag}${i}`,
          status: 'failed',
          timestamp: ts,
          recipient_id: `1555${String(i).padStart(7, '0')}`,
          errors: [{ code: i % 100 === 0 ? 131026 : 131047, title: 'failed' }],
        }));
      // 20,000, or as many as fit in Meta's 3 MB (3,000,000 bytes).
      let n = 20_000;
      let statuses = statusesOf(n);
      let body = statusEnvelope(big.wabaId, big.phoneNumberId, statuses);
      while (body.length > 3_000_000) {
        n -= 100;
        statuses = statusesOf(n);
        body = statusEnvelope(big.wabaId, big.phoneNumberId, statuses);
      }
      const since = await endOffsets(kit, Topics.webhooksRaw);
      const t0 = Date.now();
      const status = await deliver(`${suite.intake.url}/webhooks/whatsapp/${big.id}`, body, big.secret);
      const acked = Date.now();
      const nbWamid = `wamid.neighbour-${ctx.runId}`;
      const nbStatus = await deliver(`${suite.intake.url}/webhooks/whatsapp/${neighbour.id}`, statusEnvelope(neighbour.wabaId, neighbour.phoneNumberId, [{ id: nbWamid, status: 'sent', timestamp: ts, recipient_id: '15550001234' }]), neighbour.secret);
      const nbSent = Date.now();
      const neighbourSeen = await until(async () => ((await readApi(`${suite.status.url}/v1/messages/${nbWamid}`, neighbour.apiKey)).status === 200 ? Date.now() - nbSent : undefined), 180_000);
      const allConsumed = await caughtUp(kit, groups, Topics.webhooksRaw, since, 180_000);
      const counted = await sqlWhenUp<{ status: number; fallback: number }>(kit, `SELECT (SELECT count(*)::int FROM message_status WHERE tenant_id = $1 AND current_status = 'failed') AS status, (SELECT count(*)::int FROM fallback_message WHERE tenant_id = $1 AND action IS NOT NULL) AS fallback`, [big.id]);
      const smsExpected = statuses.filter((s) => s.errors[0]?.code === 131026).length;
      const sms = await until(async () => {
        const sent = suite.provider.sentFor(new Set([big.id])).length;
        return sent >= smsExpected ? sent : undefined;
      }, 180_000, 1000);
      await sleep(3000);
      const smsSent = suite.provider.sentFor(new Set([big.id])).length;
      const keys = suite.provider.keysFor(new Set([big.id]));
      const problems: string[] = [];
      if (status !== 200 || nbStatus !== 200) problems.push(`intake answered ${status} / ${nbStatus}`);
      if (allConsumed === undefined || allConsumed + (acked - t0) > 60_000) problems.push(`consumers finished the delivery ${allConsumed === undefined ? 'not at all' : `${allConsumed + (acked - t0)} ms`} after it was posted (target ≤ 60 s)`);
      if (neighbourSeen === undefined || neighbourSeen > 60_000) problems.push(`the neighbour's webhook waited ${neighbourSeen ?? '> 180000'} ms (target ≤ 60 s)`);
      if (counted[0]?.status !== n) problems.push(`${counted[0]?.status} of ${n} statuses projected`);
      if (counted[0]?.fallback !== n) problems.push(`${counted[0]?.fallback} of ${n} fallback decisions recorded`);
      if (sms === undefined || smsSent !== smsExpected || keys !== smsExpected) problems.push(`SMS: ${smsSent} sent under ${keys} keys, expected ${smsExpected} exactly once`);
      return ok({ bytes: body.length, statuses: n, postedToAckMs: acked - t0, consumedAfterAckMs: allConsumed ?? 'timeout', neighbourWaitMs: neighbourSeen ?? 'timeout', sms: smsSent }, problems);
    },
  },
  {
    id: 'unstorable-text',
    title: 'A text message with U+0000 and a lone surrogate',
    async run(ctx) {
      const t = await sideTenant(ctx.kit, ctx.suite.intake.adminUrl, `${ctx.runId}-nul`);
      const wamid = `wamid.faults-nul-${ctx.runId}`;
      // Written as JSON escapes, as Meta would send them.
      const body = textEnvelope(t.wabaId, t.phoneNumberId, wamid, 'before-NUL-after-SURROGATE-end').replace('-NUL-', '\\u0000').replace('-SURROGATE-', '\\ud800');
      const status = await deliver(`${ctx.suite.intake.url}/webhooks/whatsapp/${t.id}`, body, t.secret);
      const stored = await until(async () => {
        const r = await inboundMessage(ctx, t, wamid);
        return r.status === 200 ? r.body : undefined;
      }, 60_000);
      const problems: string[] = [];
      if (status !== 200) problems.push(`intake answered ${status}`);
      if (!stored) problems.push('the message never reached the read API');
      else {
        if (stored.content?.body !== 'before\uFFFDafter\uFFFDend') problems.push(`body is ${JSON.stringify(stored.content?.body)}`);
        if (!stored.textRepaired?.length) problems.push('the message is not flagged as repaired');
      }
      return ok({ repaired: stored?.textRepaired?.join(', ') ?? 'none' }, problems);
    },
  },
  {
    id: 'unknown-waba',
    title: 'A platform POST for an unknown WABA, registered afterwards and replayed from the unrouted topic',
    async run(ctx) {
      const { kit, suite } = ctx;
      const t = await sideTenant(kit, suite.intake.adminUrl, `${ctx.runId}-late`, false);
      const wamid = `wamid.faults-late-${ctx.runId}`;
      const status = await deliver(`${suite.intake.url}/webhooks/whatsapp`, textEnvelope(t.wabaId, t.phoneNumberId, wamid, 'sent before the WABA was registered'), kit.platformSecret);
      await sleep(2000);
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${kit.adminToken}` };
      const routed = await fetch(`${suite.intake.adminUrl}/admin/tenants/${t.id}/routes`, { method: 'POST', headers, body: JSON.stringify({ wabaIds: [t.wabaId], phoneNumberIds: [t.phoneNumberId] }) });
      const routes: TenantRoutes = { byWaba: (id) => (id === t.wabaId ? t.id : undefined), byPhoneNumber: (id) => (id === t.phoneNumberId ? t.id : undefined) };
      const report = await replayUnrouted(kit.kafka, routes, new RecordProof(kit.recordProofKeys), { dryRun: false, timeoutMs: 60_000 });
      const stored = await until(async () => ((await inboundMessage(ctx, t, wamid)).status === 200 ? true : undefined), 60_000);
      const problems: string[] = [];
      if (status !== 200) problems.push(`intake answered ${status} to a delivery for an unknown WABA`);
      if (routed.status !== 201 && routed.status !== 200) problems.push(`registering the WABA answered ${routed.status}`);
      if (report.replayed > report.read) problems.push(`the replay wrote ${report.replayed} records for ${report.read} read`);
      if (!stored) problems.push('the replayed message never reached the read API');
      return ok({ unroutedRead: report.read, replayed: report.replayed }, problems);
    },
  },
];
