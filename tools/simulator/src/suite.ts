import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { FakeGraph, graphMediaOf } from './fake-graph';
import { FakeSmsProvider, SmsBehaviour } from './fake-sms';
import { graphTokenFor, inboundGraphConfig } from './media';
import type { Oracle } from './plan.types';
import { ManagedApp } from './processes';
import type { VerifyOptions } from './verify';

export const SMS_SECRET = 'sim-fake-sms-provider-secret';

export interface SuiteOptions {
  oracle: Oracle;
  /** Logs in `<dir>/logs`, inbound media in `<dir>/media`. */
  dir: string;
  /** Per call: the fake SMS provider's behaviour. */
  sms: (call: number) => SmsBehaviour;
  /** The fake Graph API fails some first requests (the media fetcher must retry). */
  graphFaults: boolean;
  /** More environment for every app (e.g. NODE_OPTIONS, as the Kubernetes manifests set it). */
  appEnv?: Record<string, string>;
}

/**
 * The whole pipeline for one run, as child processes on fresh consumer
 * groups (`<run-id>-<app>`, starting at the end of each partition), with the
 * two outside services it calls played locally: an SMS provider for the
 * fallback trigger and Meta's Graph API for inbound media. Used by chaos and
 * by the end-to-end test.
 */
export class Suite {
  readonly provider: FakeSmsProvider;
  readonly graph: FakeGraph;
  readonly intake: ManagedApp;
  readonly status: ManagedApp;
  readonly fallback: ManagedApp;
  readonly monitor: ManagedApp;
  readonly inbound: ManagedApp;

  constructor(private readonly o: SuiteOptions) {
    const logs = join(o.dir, 'logs');
    mkdirSync(logs, { recursive: true });
    this.provider = new FakeSmsProvider(SMS_SECRET, o.sms);
    this.graph = new FakeGraph(graphTokenFor(o.oracle.runId), graphMediaOf(o.oracle), o.graphFaults);
    const consumer = (name: string, extra: () => Record<string, string> = () => ({})) => new ManagedApp(name, () => ({ ...o.appEnv, CONSUMER_GROUP_ID: `${o.oracle.runId}-${name}`, CONSUMER_START_FROM: 'latest', ...extra() }), logs);
    this.intake = new ManagedApp('intake', () => ({ ...o.appEnv }), logs);
    this.status = consumer('status-projector');
    // The fakes listen on 127.0.0.1: each app's outbound calls may reach its fake (address and port), nothing else inside.
    this.fallback = consumer('fallback-trigger', () => ({
      FALLBACK_SMS_URL: this.provider.url,
      EGRESS_ALLOW: new URL(this.provider.url).host,
      FALLBACK_SMS_SECRET: SMS_SECRET,
      FALLBACK_SMS_TIMEOUT_MS: '1000',
      FALLBACK_SMS_BACKOFF_BASE_MS: '100',
      FALLBACK_SMS_BACKOFF_CAP_MS: '2000',
      FALLBACK_SMS_MAX_ATTEMPTS: '60',
      FALLBACK_SMS_POLL_MS: '100',
    }));
    this.monitor = consumer('template-monitor');
    this.inbound = consumer('inbound-reply', () => ({
      INBOUND_GRAPH_CONFIG: inboundGraphConfig(o.oracle.runId, o.oracle.tenants, this.graph.url),
      EGRESS_ALLOW: new URL(this.graph.url).host,
      MEDIA_STORAGE: 'fs',
      MEDIA_STORAGE_DIR: join(o.dir, 'media'),
      INBOUND_MEDIA_POLL_MS: '200',
      INBOUND_MEDIA_TIMEOUT_MS: '3000',
      INBOUND_MEDIA_BACKOFF_BASE_MS: '100',
      INBOUND_MEDIA_BACKOFF_CAP_MS: '2000',
      // Restarts of Postgres and Kafka must not exhaust a download's attempts.
      INBOUND_MEDIA_MAX_ATTEMPTS: '40',
    }));
  }

  get apps(): ManagedApp[] {
    return [this.intake, this.status, this.fallback, this.monitor, this.inbound];
  }

  /** Starts the fakes, then every app; resolves with each app's start-up time. */
  async start(): Promise<string[]> {
    await Promise.all([this.provider.start(), this.graph.start()]);
    return Promise.all(this.apps.map(async (a) => `${a.name} ${await a.start()} ms`));
  }

  readUrls(): Pick<VerifyOptions, 'statusProjectorUrl' | 'fallbackTriggerUrl' | 'templateMonitorUrl' | 'inboundReplyUrl'> {
    return { statusProjectorUrl: this.status.url, fallbackTriggerUrl: this.fallback.url, templateMonitorUrl: this.monitor.url, inboundReplyUrl: this.inbound.url };
  }

  async close(): Promise<void> {
    await Promise.all(this.apps.map((a) => a.close()));
    await Promise.all([this.provider.stop(), this.graph.stop()]);
  }
}
