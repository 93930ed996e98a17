import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { num, parseArgs, rejectUnknown, str } from './args';
import { checkSms, SmsCheck } from './chaos-plan';
import { GENERATE_FLAGS, generateOptions, platformSecretFrom, printVerify } from './cli';
import { deadLetters, faultKit, groupsOf } from './fault-kit';
import { SCENARIOS, ScenarioOutcome } from './fault-scenarios';
import { generate, writeRun } from './generate';
import { ROOT } from './processes';
import { provisionTenants } from './provision';
import { SendReport, sendPlan } from './sender';
import { Suite } from './suite';
import { verify, VerifyReport } from './verify';

const log = (line: string): void => console.error(`[faults ${new Date().toISOString().slice(11, 23)}] ${line}`);

export interface ScenarioResult {
  id: string;
  title: string;
  ok: boolean;
  runId: string;
  durationMs: number;
  traffic: { posts: number; messages: number; inbound: number; templates: number; rate: number; delivered: number; retries: number; dropped: number; gaveUp: number; outcomes: Record<string, number> } | null;
  verify: { ok: boolean; differences: number; elapsedMs: number; rounds: number } | null;
  sms: Pick<SmsCheck, 'ok' | 'expected' | 'sentToProvider' | 'distinctKeys'> | null;
  deadLetters: Record<string, number>;
  expectedDeadLetters: number;
  crashes: number;
  figures: ScenarioOutcome['figures'];
  problems: string[];
}

/**
 * `npm run faults`: each ordinary production fault of issue 20, one at a
 * time, under the simulator's Meta traffic, against the whole suite as child
 * processes on fresh consumer groups. Every scenario ends with the oracle
 * checked through the read APIs (0 differences), SMS exactly once, and the
 * dead letters each group should hold (none, but for the planted record);
 * each adds its own checks and figures. Results: one JSON line per scenario
 * on stdout, everything in `.data/faults/<run>/summary.json`, and a Markdown
 * table for docs/faults.md. It restarts this machine's Postgres and Kafka
 * and sets the database read-only for a minute: run it alone.
 */
async function main(): Promise<number> {
  const { flags } = parseArgs(process.argv.slice(2));
  rejectUnknown(flags, [...GENERATE_FLAGS, 'only', 'rate', 'verify-wait-ms', 'out', 'platform-secret']);
  const only = str(flags, 'only', '').split(',').map((s) => s.trim()).filter(Boolean);
  const scenarios = only.length > 0 ? SCENARIOS.filter((s) => only.includes(s.id)) : SCENARIOS;
  const unknown = only.filter((id) => !SCENARIOS.some((s) => s.id === id));
  if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  const batch = `faults-${randomBytes(3).toString('hex')}`;
  const dir = str(flags, 'out', join(ROOT, '.data', 'faults', batch));
  mkdirSync(dir, { recursive: true });
  const kit = faultKit(log);
  const platformSecret = platformSecretFrom(flags);
  const results: ScenarioResult[] = [];
  for (const [i, scenario] of scenarios.entries()) {
    if (!flags.has('messages')) flags.set('messages', '40');
    if (!flags.has('inbound')) flags.set('inbound', '30');
    if (!flags.has('templates')) flags.set('templates', '4');
    if (!flags.has('tenants')) flags.set('tenants', '2');
    flags.set('run-id', `${batch}-${i}`);
    flags.set('base-time', String(Math.floor(Date.now() / 1000) - 60));
    const o = generateOptions(flags);
    const result = await runScenario(scenario, o, join(dir, scenario.id), {
      rate: num(flags, 'rate', 20, 0.1),
      verifyWaitMs: num(flags, 'verify-wait-ms', 240_000, 0),
      platformSecret,
      kit,
    });
    results.push(result);
    console.log(JSON.stringify(result));
    log(`${scenario.id}: ${result.ok ? 'PASS' : 'FAIL'}${result.problems.length ? ` (${result.problems.join('; ')})` : ''}`);
  }
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(results, null, 1)}\n`);
  const table = markdown(results);
  writeFileSync(join(dir, 'summary.md'), table);
  console.error(`\n${table}`);
  const passed = results.filter((r) => r.ok).length;
  log(`${passed}/${results.length} scenarios passed; details in ${dir}`);
  return passed === results.length ? 0 : 1;
}

async function runScenario(
  scenario: (typeof SCENARIOS)[number],
  o: ReturnType<typeof generateOptions>,
  dir: string,
  x: { rate: number; verifyWaitMs: number; platformSecret: string | undefined; kit: ReturnType<typeof faultKit> },
): Promise<ScenarioResult> {
  const t0 = Date.now();
  const { plan, oracle } = generate(o);
  writeRun(dir, plan, oracle);
  const suite = new Suite({ oracle, dir, sms: () => 'ok', graphFaults: false });
  const groups = groupsOf(o.runId);
  const problems: string[] = [];
  let send: SendReport | undefined;
  let verified: VerifyReport | undefined;
  let sms: SmsCheck | undefined;
  let outcome: ScenarioOutcome = { ok: false, figures: {}, problems: [] };
  let letters: Record<string, number> = {};
  for (const app of suite.apps) {
    app.onCrash = (c) => {
      problems.push(`${c.app} crashed (${c.exit})`);
      log(`CRASH ${c.app}: ${c.lastLines.join(' | ')}`);
      void app.start().catch(() => undefined);
    };
  }
  log(`${scenario.id}: ${scenario.title} (run ${o.runId}: ${plan.deliveries.length} POSTs at ${x.rate}/s)`);
  try {
    await suite.start();
    const creds = await provisionTenants(suite.intake.adminUrl, x.kit.adminToken, o.runId, plan.tenants);
    await new Promise((r) => setTimeout(r, 2000));
    const sending = sendPlan(plan, {
      intakeUrl: suite.intake.url,
      statusProjectorUrl: suite.status.url,
      rate: x.rate,
      timeoutMs: 5000,
      giveUpAfterMs: 600_000,
      apiKeys: new Map(creds.tenants.map((t) => [t.id, t.apiKey])),
      platformSecret: x.platformSecret,
      log: (l) => log(`send: ${l}`),
    });
    const trafficTenant = plan.tenants[0]?.id ?? o.runId;
    [outcome, send] = await Promise.all([scenario.run({ kit: x.kit, suite, runId: o.runId, groups, trafficTenant, trafficDone: sending }), sending]);
    verified = await verify(oracle, creds, { ...suite.readUrls(), smsStatus: 'sent', waitMs: x.verifyWaitMs, log });
    printVerify(verified);
    sms = checkSms(suite.provider, oracle);
    letters = Object.fromEntries(Object.entries(await deadLetters(x.kit, groups)).map(([g, l]) => [g.replace(`${o.runId}-`, ''), l.length]));
  } catch (error) {
    problems.push(`run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    await suite.close();
  }
  const expectedDeadLetters = outcome.expectedDeadLetters ?? 0;
  if (send && send.dropped.length + send.gaveUp.length > 0) problems.push(`${send.dropped.length} deliveries dropped (4xx), ${send.gaveUp.length} given up`);
  if (verified && !verified.ok) problems.push(`${verified.differences.length} differences from the oracle`);
  if (sms && !sms.ok) problems.push(`SMS: ${sms.sentToProvider} sent under ${sms.distinctKeys} keys for ${sms.expected} expected`);
  for (const [g, n] of Object.entries(letters)) if (n !== expectedDeadLetters) problems.push(`${g}: ${n} dead letters, expected ${expectedDeadLetters}`);
  problems.push(...outcome.problems);
  return {
    id: scenario.id,
    title: scenario.title,
    ok: problems.length === 0 && outcome.ok,
    runId: o.runId,
    durationMs: Date.now() - t0,
    traffic: send
      ? {
          posts: plan.deliveries.length,
          messages: oracle.totals.messages,
          inbound: oracle.totals.inbound,
          templates: oracle.templates.length,
          rate: x.rate,
          delivered: send.delivered,
          retries: send.retries,
          dropped: send.dropped.length,
          gaveUp: send.gaveUp.length,
          outcomes: send.outcomes,
        }
      : null,
    verify: verified ? { ok: verified.ok, differences: verified.differences.length, elapsedMs: verified.elapsedMs, rounds: verified.rounds } : null,
    sms: sms ? { ok: sms.ok, expected: sms.expected, sentToProvider: sms.sentToProvider, distinctKeys: sms.distinctKeys } : null,
    deadLetters: letters,
    expectedDeadLetters,
    crashes: suite.apps.reduce((n, a) => n + a.crashes.length, 0),
    figures: outcome.figures,
    problems,
  };
}

function markdown(results: ScenarioResult[]): string {
  const rows = results.map((r) => {
    const t = r.traffic;
    const figures = Object.entries(r.figures).map(([k, v]) => `${k} ${v}`).join('; ');
    return `| ${r.id} | ${r.ok ? 'pass' : '**FAIL**'} | ${t ? `${t.posts} POSTs at ${t.rate}/s, ${t.retries} retried, ${JSON.stringify(t.outcomes)}` : '—'} | ${r.verify ? `${r.verify.differences} (converged ${Math.round(r.verify.elapsedMs / 1000)} s after the traffic)` : '—'} | ${r.sms ? `${r.sms.sentToProvider}/${r.sms.expected}` : '—'} | ${Object.values(r.deadLetters).join('/')} (expected ${r.expectedDeadLetters} each) | ${figures}${r.problems.length ? ` — ${r.problems.join('; ')}` : ''} |`;
  });
  return ['| fault | result | traffic | oracle differences | SMS sent/expected | dead letters per group | figures |', '|---|---|---|---|---|---|---|', ...rows, ''].join('\n');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
