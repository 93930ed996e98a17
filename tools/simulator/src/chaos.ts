import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { bool, num, parseArgs, rejectUnknown, str } from './args';
import { ActionResult, ChaosAction, checkSms, killAndRestart, runActions, shellAction, SmsCheck } from './chaos-plan';
import { GENERATE_FLAGS, generateOptions, printVerify } from './cli';
import { FakeSmsProvider } from './fake-sms';
import { generate, writeRun } from './generate';
import { sleep } from './http';
import { ManagedApp, ROOT } from './processes';
import { provisionTenants } from './provision';
import { SendReport, sendPlan } from './sender';
import { verify, VerifyReport } from './verify';

const log = (line: string): void => console.error(`[chaos ${new Date().toISOString().slice(11, 23)}] ${line}`);
const SMS_SECRET = 'chaos-fake-sms-provider-secret';

function pgRestartCommand(): string {
  if (process.env['CHAOS_PG_RESTART_CMD']) return process.env['CHAOS_PG_RESTART_CMD'];
  let version = '15';
  try {
    version = readdirSync('/etc/postgresql')[0] ?? version;
  } catch {
    // not a Debian-style install: the default stays, CHAOS_PG_RESTART_CMD overrides
  }
  return `pg_ctlcluster --skip-systemctl-redirect ${version} main restart`;
}

/**
 * `npm run chaos`: the whole pipeline as child processes on fresh consumer
 * groups, the simulator's traffic, and meanwhile every consumer SIGKILLed and
 * restarted, the Kafka broker restarted and Postgres restarted. Then the
 * oracle must hold through the read APIs, and the fake SMS provider must have
 * seen exactly one SMS per expected message. See docs/simulator.md.
 */
async function main(): Promise<number> {
  const { flags } = parseArgs(process.argv.slice(2));
  rejectUnknown(flags, [...GENERATE_FLAGS, 'out', 'duration-s', 'rate', 'verify-wait-ms', 'kill-consumers', 'restart-kafka', 'restart-postgres', 'sms-faults', 'restart-crashed', 'allow-crashes']);
  if (!flags.has('run-id')) flags.set('run-id', `chaos-${randomBytes(4).toString('hex')}`);
  if (!flags.has('messages')) flags.set('messages', '60');
  if (!flags.has('base-time')) flags.set('base-time', String(Math.floor(Date.now() / 1000) - 60));
  const o = generateOptions(flags);
  const dir = str(flags, 'out', join(ROOT, '.data', 'chaos', o.runId));
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const { plan, oracle } = generate(o);
  writeRun(dir, plan, oracle);
  // Long enough for the five actions one after the other: a SIGKILLed consumer
  // is back only once the group dropped its dead member (session timeout, 30 s).
  const durationMs = num(flags, 'duration-s', 150, 1) * 1000;
  const rate = num(flags, 'rate', Math.max(0.5, plan.deliveries.length / (durationMs / 1000)), 0.01);
  log(`run ${o.runId} (seed ${o.seed}, base-time ${o.baseTime}): ${o.tenants} tenants, ${oracle.totals.messages} messages, ${oracle.templates.length} templates, ${plan.deliveries.length} POSTs at ${rate.toFixed(2)}/s; files in ${dir}`);
  log(`database ${process.env['DATABASE_URL'] ?? '(DATABASE_URL unset)'}`);

  const faults = bool(flags, 'sms-faults', true);
  // Trouble at the provider too: every 7th call fails, every 11th sends and never answers.
  const provider = new FakeSmsProvider(SMS_SECRET, (n) => (faults && n % 7 === 0 ? 'fail' : faults && n % 11 === 0 ? 'hang-after-sending' : 'ok'));
  await provider.start();
  const consumer = (name: string, extra: Record<string, string> = {}) =>
    new ManagedApp(name, { CONSUMER_GROUP_ID: `${o.runId}-${name}`, CONSUMER_START_FROM: 'latest', ...extra }, join(dir, 'logs'));
  const intake = new ManagedApp('intake', {}, join(dir, 'logs'));
  const status = consumer('status-projector');
  const fallback = consumer('fallback-trigger', {
    FALLBACK_SMS_URL: provider.url,
    FALLBACK_SMS_SECRET: SMS_SECRET,
    FALLBACK_SMS_TIMEOUT_MS: '1000',
    FALLBACK_SMS_BACKOFF_BASE_MS: '100',
    FALLBACK_SMS_BACKOFF_CAP_MS: '2000',
    FALLBACK_SMS_MAX_ATTEMPTS: '60',
    FALLBACK_SMS_POLL_MS: '100',
  });
  const monitor = consumer('template-monitor');
  const apps = [intake, status, fallback, monitor];
  // A process that dies on its own is a finding. Like Kubernetes, start it again
  // (unless --no-restart-crashed), so the run still shows whether data survived.
  const restartCrashed = bool(flags, 'restart-crashed', true);
  for (const app of apps) {
    app.onCrash = (c) => {
      log(`CRASH: ${c.app} (pid ${c.pid}) exited by itself (${c.exit}); last lines:\n    ${c.lastLines.join('\n    ')}`);
      if (restartCrashed) {
        void sleep(1000)
          .then(() => app.start())
          .then((ms) => log(`${app.name} restarted after its crash, ready in ${ms} ms`), (e: unknown) => log(`${app.name} could not be restarted: ${String(e)}`));
      }
    };
  }
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    log('interrupted: stopping what was started');
    void Promise.all(apps.map((a) => a.close())).then(() => process.exit(130));
  });

  let sendReport: SendReport | undefined;
  let verifyReport: VerifyReport | undefined;
  let sms: SmsCheck | undefined;
  let actions: ActionResult[] = [];
  try {
    const started = await Promise.all(apps.map(async (a) => `${a.name} ${await a.start()} ms`));
    log(`started: ${started.join(', ')}`);
    const creds = await provisionTenants(intake.url, process.env['ADMIN_API_TOKEN'] ?? 'local-admin-token-change-me', o.runId, plan.tenants);
    writeFileSync(join(dir, 'credentials.json'), `${JSON.stringify(creds, null, 1)}\n`, { mode: 0o600 });
    // New groups start at the end of each partition once they hold it: give the fetchers a moment.
    await sleep(2000);

    const chaos: ChaosAction[] = [];
    if (bool(flags, 'kill-consumers', true)) {
      chaos.push({ name: 'SIGKILL + restart status-projector', at: 0.06, run: killAndRestart(status, log) });
      chaos.push({ name: 'SIGKILL + restart fallback-trigger', at: 0.28, run: killAndRestart(fallback, log) });
      chaos.push({ name: 'SIGKILL + restart template-monitor', at: 0.5, run: killAndRestart(monitor, log) });
    }
    if (bool(flags, 'restart-kafka', true)) chaos.push({ name: 'restart the Kafka broker', at: 0.72, run: shellAction(['bash scripts/kafka.sh stop', 'bash scripts/kafka.sh up'], log) });
    if (bool(flags, 'restart-postgres', true)) chaos.push({ name: 'restart Postgres', at: 0.86, run: shellAction([pgRestartCommand()], log) });

    const t0 = Date.now();
    let flowing = true;
    const sending = sendPlan(plan, {
      intakeUrl: intake.url,
      statusProjectorUrl: status.url,
      rate,
      timeoutMs: 5000,
      giveUpAfterMs: 600_000,
      apiKeys: new Map(creds.tenants.map((t) => [t.id, t.apiKey])),
      log: (l) => log(`send: ${l}`),
    }).finally(() => (flowing = false));
    [sendReport, actions] = await Promise.all([sending, runActions(chaos, t0, durationMs, () => flowing, log)]);
    for (const a of actions.filter((x) => !x.duringTraffic)) log(`chaos: "${a.name}" ended after the traffic: raise --duration-s`);
    log(`traffic done in ${sendReport.durationMs} ms: ${sendReport.delivered}/${sendReport.deliveries} acknowledged, ${sendReport.retries} retries, outcomes ${JSON.stringify(sendReport.outcomes)}`);

    verifyReport = await verify(oracle, creds, {
      statusProjectorUrl: status.url,
      fallbackTriggerUrl: fallback.url,
      templateMonitorUrl: monitor.url,
      smsStatus: 'sent',
      waitMs: num(flags, 'verify-wait-ms', 180_000, 0),
      log,
    });
    printVerify(verifyReport);
    sms = checkSms(provider, oracle);
  } catch (error) {
    log(`run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    if (!interrupted) {
      await Promise.all(apps.map((a) => a.close()));
      await provider.stop();
    }
  }

  const crashes = apps.flatMap((a) => a.crashes);
  const ok = (crashes.length === 0 || bool(flags, 'allow-crashes', false)) && !!verifyReport?.ok && !!sms?.ok && !!sendReport && sendReport.dropped.length + sendReport.gaveUp.length === 0 && actions.every((a) => a.ok && a.duringTraffic);
  const summary = {
    ok,
    runId: o.runId,
    seed: o.seed,
    baseTime: o.baseTime,
    dir,
    traffic: { tenants: o.tenants, messages: oracle.totals.messages, templates: oracle.templates.length, posts: plan.deliveries.length, duplicatePosts: oracle.totals.duplicateDeliveries, rate: Number(rate.toFixed(2)) },
    send: sendReport ? { ...sendReport, dropped: sendReport.dropped, gaveUp: sendReport.gaveUp } : null,
    chaos: actions,
    restarts: Object.fromEntries(apps.map((a) => [a.name, a.starts - 1])),
    crashes,
    verify: verifyReport ? { ok: verifyReport.ok, differences: verifyReport.differences.length, rounds: verifyReport.rounds, elapsedMs: verifyReport.elapsedMs, checked: verifyReport.checked } : null,
    sms: sms ?? null,
  };
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify({ ...summary, verifyDifferences: verifyReport?.differences ?? [] }, null, 1)}\n`);
  console.log(JSON.stringify(summary, null, 2));
  console.log(`chaos ${o.runId}: ${ok ? 'PASS' : 'FAIL'}: verify ${verifyReport ? (verifyReport.ok ? '0 differences' : `${verifyReport.differences.length} differences`) : 'not run'}; SMS ${sms ? `${sms.sentToProvider} sent / ${sms.distinctKeys} keys / ${sms.expected} expected` : 'not checked'}; chaos ${actions.filter((a) => a.ok && a.duringTraffic).length}/${actions.length} actions ok during traffic; ${crashes.length} unexpected crash(es)${crashes.length ? ` (${crashes.map((c) => c.app).join(', ')})` : ''}`);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
