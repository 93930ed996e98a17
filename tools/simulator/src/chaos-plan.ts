import type { FakeSmsProvider } from './fake-sms';
import { sleep } from './http';
import type { Oracle } from './plan.types';
import { ManagedApp, runCommand } from './processes';

export interface ChaosAction {
  name: string;
  /** Fraction of the traffic's duration at which it starts (never before the previous one ended). */
  at: number;
  run: () => Promise<void>;
}

export interface ActionResult {
  name: string;
  startedAtMs: number;
  tookMs: number;
  ok: boolean;
  /** The traffic was still flowing when the action ended. */
  duringTraffic: boolean;
  error?: string;
}

/** SIGKILL, a moment for records to pile up, then the same app on the same port and consumer group. */
export function killAndRestart(app: ManagedApp, log: (l: string) => void): () => Promise<void> {
  return async () => {
    const pid = app.pid;
    await app.kill();
    log(`SIGKILLed ${app.name} (pid ${pid})`);
    await sleep(1500);
    const ms = await app.start();
    log(`${app.name} ready again after ${ms} ms (pid ${app.pid})`);
  };
}

export function shellAction(commands: string[], log: (l: string) => void, pauseMs = 1500): () => Promise<void> {
  return async () => {
    for (const [i, command] of commands.entries()) {
      if (i > 0) await sleep(pauseMs);
      log(`$ ${command}`);
      await runCommand(command, log);
    }
  };
}

/** Runs the actions in order, each at its share of `durationMs` after `t0` or as soon as the previous one ended. */
export async function runActions(actions: ChaosAction[], t0: number, durationMs: number, trafficFlowing: () => boolean, log: (l: string) => void): Promise<ActionResult[]> {
  const results: ActionResult[] = [];
  for (const a of actions) {
    const wait = t0 + a.at * durationMs - Date.now();
    if (wait > 0) await sleep(wait);
    const start = Date.now();
    log(`chaos: ${a.name}`);
    try {
      await a.run();
      results.push({ name: a.name, startedAtMs: start - t0, tookMs: Date.now() - start, ok: true, duringTraffic: trafficFlowing() });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`chaos: ${a.name} failed: ${message}`);
      results.push({ name: a.name, startedAtMs: start - t0, tookMs: Date.now() - start, ok: false, duringTraffic: trafficFlowing(), error: message });
    }
  }
  return results;
}

export interface SmsCheck {
  ok: boolean;
  expected: number;
  sentToProvider: number;
  distinctKeys: number;
  providerRequests: number;
  badSignatures: number;
  conflicts: number;
  missing: string[];
  unexpected: string[];
  twiceForOneMessage: string[];
}

/** The provider's own view, independent of ours: exactly one SMS, under one key, per expected message. */
export function checkSms(provider: FakeSmsProvider, oracle: Oracle): SmsCheck {
  const tenants = new Set(oracle.tenants);
  const expected = new Set(oracle.smsFallbacks.map((s) => `${s.tenantId}|${s.wamid}`));
  const sent = provider.sentFor(tenants);
  const got = new Map<string, number>();
  for (const s of sent) got.set(`${s.tenantId}|${s.wamid}`, (got.get(`${s.tenantId}|${s.wamid}`) ?? 0) + 1);
  const missing = [...expected].filter((k) => !got.has(k));
  const unexpected = [...got.keys()].filter((k) => !expected.has(k));
  const twice = [...got].filter(([, n]) => n > 1).map(([k]) => k);
  const distinctKeys = provider.keysFor(tenants);
  return {
    ok: missing.length === 0 && unexpected.length === 0 && twice.length === 0 && distinctKeys === expected.size && sent.length === expected.size && provider.badSignatures === 0 && provider.conflicts.length === 0,
    expected: expected.size,
    sentToProvider: sent.length,
    distinctKeys,
    providerRequests: provider.requests,
    badSignatures: provider.badSignatures,
    conflicts: provider.conflicts.length,
    missing,
    unexpected,
    twiceForOneMessage: twice,
  };
}
