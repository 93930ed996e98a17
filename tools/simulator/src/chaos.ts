import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { bool, num, parseArgs, rejectUnknown, str } from './args';
import { ActionResult, ChaosAction, checkSms, killAndRestart, runActions, shellAction, SmsCheck } from './chaos-plan';
import { GENERATE_FLAGS, generateOptions, platformSecretFrom, printVerify } from './cli';
import { generate, writeRun } from './generate';
import { sleep } from './http';
import { ROOT } from './processes';
import { provisionTenants } from './provision';
import { SendReport, sendPlan } from './sender';
import { Suite } from './suite';
import { verify, VerifyReport } from './verify';

const log = (line: string): void => console.error(`[chaos ${new Date().toISOString().slice(11, 23)}] ${line}`);

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
 * oracle must hold through the read APIs, the fake SMS provider must have
 * seen exactly one SMS per expected message, and the fake Graph API no
 * request without the run's token or for a media id never sent. See
 * docs/simulator.md.
 */
async function main(): Promise<number> {
  const { flags } = parseArgs(process.argv.slice(2));
  rejectUnknown(flags, [...GENERATE_FLAGS, 'out', 'duration-s', 'rate', 'verify-wait-ms', 'kill-consumers', 'restart-kafka', 'restart-postgres', 'sms-faults', 'graph-faults', 'platform-secret', 'restart-crashed', 'allow-crashes']);
  if (!flags.has('run-id')) flags.set('run-id', `chaos-${randomBytes(4).toString('hex')}`);
  if (!flags.has('messages')) flags.set('messages', '60');
  if (!flags.has('base-time')) flags.set('base-time', String(Math.floor(Date.now() / 1000) - 60));
  const o = generateOptions(flags);
  const dir = str(flags, 'out', join(ROOT, '.data', 'chaos', o.runId));
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const { plan, oracle } = generate(o);
  writeRun(dir, plan, oracle);
  // Long enough for the six actions one after the other: a SIGKILLed consumer
  // is back only once the group dropped its dead member (session timeout, 30 s).
  const durationMs = num(flags, 'duration-s', 210, 1) * 1000;
  const rate = num(flags, 'rate', Math.max(0.5, plan.deliveries.length / (durationMs / 1000)), 0.01);
  log(`run ${o.runId} (seed ${o.seed}, base-time ${o.baseTime}): ${o.tenants} tenants, ${oracle.totals.messages} messages, ${oracle.templates.length} templates, ${oracle.totals.inbound} inbound messages, ${oracle.totals.accountEvents} account events, ${plan.deliveries.length} POSTs (${oracle.totals.platformDeliveries} on the platform URL) at ${rate.toFixed(2)}/s; files in ${dir}`);
  log(`database ${process.env['DATABASE_URL'] ?? '(DATABASE_URL unset)'}`);

  const faults = bool(flags, 'sms-faults', true);
  const suite = new Suite({
    oracle,
    dir,
    // Trouble at the provider too: every 7th call fails, every 11th sends and never answers.
    sms: (n) => (faults && n % 7 === 0 ? 'fail' : faults && n % 11 === 0 ? 'hang-after-sending' : 'ok'),
    // And at Meta's Graph API: some media fail their first request.
    graphFaults: bool(flags, 'graph-faults', true),
  });
  const { intake, status, fallback, monitor, inbound, provider, graph } = suite;
  const apps = suite.apps;
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
    void suite.close().then(() => process.exit(130));
  });

  let sendReport: SendReport | undefined;
  let verifyReport: VerifyReport | undefined;
  let sms: SmsCheck | undefined;
  let actions: ActionResult[] = [];
  try {
    log(`started: ${(await suite.start()).join(', ')}`);
    const creds = await provisionTenants(intake.adminUrl, process.env['ADMIN_API_TOKEN'] ?? 'local-admin-token-change-me', o.runId, plan.tenants);
    writeFileSync(join(dir, 'credentials.json'), `${JSON.stringify(creds, null, 1)}\n`, { mode: 0o600 });
    // New groups start at the end of each partition once they hold it: give the fetchers a moment.
    await sleep(2000);

    const chaos: ChaosAction[] = [];
    if (bool(flags, 'kill-consumers', true)) {
      chaos.push({ name: 'SIGKILL + restart status-projector', at: 0.05, run: killAndRestart(status, log) });
      chaos.push({ name: 'SIGKILL + restart fallback-trigger', at: 0.22, run: killAndRestart(fallback, log) });
      chaos.push({ name: 'SIGKILL + restart template-monitor', at: 0.38, run: killAndRestart(monitor, log) });
      chaos.push({ name: 'SIGKILL + restart inbound-reply', at: 0.54, run: killAndRestart(inbound, log) });
    }
    if (bool(flags, 'restart-kafka', true)) chaos.push({ name: 'restart the Kafka broker', at: 0.7, run: shellAction(['bash scripts/kafka.sh stop', 'bash scripts/kafka.sh up'], log) });
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
      platformSecret: platformSecretFrom(flags),
      log: (l) => log(`send: ${l}`),
    }).finally(() => (flowing = false));
    [sendReport, actions] = await Promise.all([sending, runActions(chaos, t0, durationMs, () => flowing, log)]);
    for (const a of actions.filter((x) => !x.duringTraffic)) log(`chaos: "${a.name}" ended after the traffic: raise --duration-s`);
    log(`traffic done in ${sendReport.durationMs} ms: ${sendReport.delivered}/${sendReport.deliveries} acknowledged, ${sendReport.retries} retries, outcomes ${JSON.stringify(sendReport.outcomes)}`);

    verifyReport = await verify(oracle, creds, {
      ...suite.readUrls(),
      smsStatus: 'sent',
      waitMs: num(flags, 'verify-wait-ms', 180_000, 0),
      log,
    });
    printVerify(verifyReport);
    sms = checkSms(provider, oracle);
  } catch (error) {
    log(`run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    if (!interrupted) await suite.close();
  }

  const crashes = apps.flatMap((a) => a.crashes);
  const graphOk = graph.counts.unauthorized + graph.counts.unknownMedia === 0;
  const ok = (crashes.length === 0 || bool(flags, 'allow-crashes', false)) && !!verifyReport?.ok && !!sms?.ok && graphOk && !!sendReport && sendReport.dropped.length + sendReport.gaveUp.length === 0 && actions.every((a) => a.ok && a.duringTraffic);
  const summary = {
    ok,
    runId: o.runId,
    seed: o.seed,
    baseTime: o.baseTime,
    dir,
    traffic: {
      tenants: o.tenants,
      messages: oracle.totals.messages,
      templates: oracle.templates.length,
      inbound: oracle.totals.inbound,
      accountEvents: oracle.totals.accountEvents,
      posts: plan.deliveries.length,
      platformPosts: oracle.totals.platformDeliveries,
      multiTenantPosts: oracle.totals.multiTenantDeliveries,
      duplicatePosts: oracle.totals.duplicateDeliveries,
      rate: Number(rate.toFixed(2)),
    },
    send: sendReport ? { ...sendReport, dropped: sendReport.dropped, gaveUp: sendReport.gaveUp } : null,
    chaos: actions,
    restarts: Object.fromEntries(apps.map((a) => [a.name, a.starts - 1])),
    crashes,
    verify: verifyReport ? { ok: verifyReport.ok, differences: verifyReport.differences.length, rounds: verifyReport.rounds, elapsedMs: verifyReport.elapsedMs, checked: verifyReport.checked } : null,
    sms: sms ?? null,
    graph: { ok: graphOk, ...graph.counts },
  };
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify({ ...summary, verifyDifferences: verifyReport?.differences ?? [] }, null, 1)}\n`);
  console.log(JSON.stringify(summary, null, 2));
  console.log(`chaos ${o.runId}: ${ok ? 'PASS' : 'FAIL'}: verify ${verifyReport ? (verifyReport.ok ? '0 differences' : `${verifyReport.differences.length} differences`) : 'not run'}; SMS ${sms ? `${sms.sentToProvider} sent / ${sms.distinctKeys} keys / ${sms.expected} expected` : 'not checked'}; Graph ${graphOk ? 'ok' : 'UNEXPECTED REQUESTS'} (${graph.counts.file} downloads, ${graph.counts.faults} faults served); chaos ${actions.filter((a) => a.ok && a.duringTraffic).length}/${actions.length} actions ok during traffic; ${crashes.length} unexpected crash(es)${crashes.length ? ` (${crashes.map((c) => c.app).join(', ')})` : ''}`);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
