import { Inject, Injectable, Logger } from '@nestjs/common';

import { graphConfigFor, InboundConfig, inboundSection } from '@wahooks/config';
import { backoffMs } from '@wahooks/consumer-runtime';
import { OutboundHttp } from '@wahooks/egress';
import { InboundTopics } from '@wahooks/events-contract';
import { EventStore, NewEvent } from '@wahooks/event-store';
import { MetricsService } from '@wahooks/observability';
import { OutboxMessage, OutboxRelay, OutboxRepository } from '@wahooks/outbox';
import { SqlTransactions } from '@wahooks/prisma';
import { BackgroundTask, UnrecordedOutcomes } from '@wahooks/worker';

import { DownloadOutcome, downloadMedia } from './graph-media.client';
import { INBOUND_SCHEMA_VERSION, InboundEventTypes, inboundStream } from './inbound-events.mapper';
import { ClaimedMedia, MediaRepository } from './media.repository';
import { MEDIA_STORAGE, mediaKey, MediaStorage } from './media-storage';

const BATCH = 4;

type Settled = { job: ClaimedMedia; outcome: DownloadOutcome; storageKey?: string };

/** Claimed rows are leased for one whole download plus this margin (the record transaction, clock skew). */
const LEASE_MARGIN_MS = 30_000;

/**
 * Downloads the media of inbound messages before Meta's ids expire, off the
 * consumer's hot path. A round claims due rows in a short transaction (a
 * lease, see MediaRepository), streams them from Graph into storage outside
 * any transaction, then records each outcome in a second short transaction:
 * the row, a `media.stored` / `media.failed` event when final, its outbox
 * row; a write the database refuses is kept in memory and made first in the
 * next round, nothing downloaded again. A crash in between leaves the rows to be claimed again when the lease
 * runs out; downloading twice writes the same storage key. Failures are
 * retried with backoff up to INBOUND_MEDIA_MAX_ATTEMPTS, then recorded as
 * failed; media over INBOUND_MEDIA_MAX_BYTES fail at once. Shutdown cancels
 * downloads in flight and hands their rows back without counting an attempt.
 */
@Injectable()
export class MediaFetcher extends BackgroundTask {
  readonly name = 'media-fetch';
  readonly idleMs: number;
  private readonly logger = new Logger(MediaFetcher.name);
  private readonly cancel = new AbortController();
  private readonly attemptsMetric;
  /** Finished downloads whose outcome the database refused; their rows stay leased meanwhile. */
  private readonly unrecorded = new UnrecordedOutcomes<Settled>();

  constructor(
    @Inject(inboundSection.token) private readonly config: InboundConfig,
    private readonly sql: SqlTransactions,
    private readonly repo: MediaRepository,
    private readonly store: EventStore,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
    private readonly outbound: OutboundHttp,
    metrics: MetricsService,
  ) {
    super();
    this.idleMs = config.media.pollMs;
    this.attemptsMetric = metrics.counter('wahooks_inbound_media_attempts_total', 'Media download attempts, by result: stored, retryable-error, error, too-large (over INBOUND_MEDIA_MAX_BYTES)', ['tenant', 'result']);
  }

  /** Rounds until nothing is due (tests and tools; the worker does the same round by round). */
  async drain(): Promise<void> {
    while ((await this.round()) > 0);
  }

  /** One claim-download-record round; returns how many rows it handled. */
  async round(): Promise<number> {
    // Downloads finished in an earlier round whose outcome the database refused: written first.
    const retried = await this.unrecorded.retry((s) => this.recordAll(s));
    if (retried > 0) return retried;
    const m = this.config.media;
    const leaseMs = m.downloadTimeoutMs + LEASE_MARGIN_MS;
    const jobs = await this.sql.run((tx) => this.repo.claimDue(tx, BATCH, leaseMs));
    if (jobs.length === 0) return 0;
    const settled = await Promise.all(jobs.map((job) => this.fetch(job)));
    await this.unrecorded.record(settled, (s) => this.recordAll(s));
    return jobs.length;
  }

  /** Records each outcome in one transaction. */
  private async recordAll(settled: Settled[]): Promise<void> {
    const { results, published } = await this.sql.run(async (tx) => {
      const events: NewEvent[] = [];
      const messages: OutboxMessage[] = [];
      const labels: Array<string | undefined> = [];
      for (const s of settled) {
        const recorded = await this.record(tx, s);
        labels.push(recorded.result);
        if (!recorded.final) continue;
        events.push(recorded.final.event);
        messages.push(recorded.final.message);
      }
      const { appended } = await this.store.appendBatch(tx, events);
      const fresh = new Set(appended.map((e) => e.idempotencyKey));
      const toPublish = messages.filter((msg) => fresh.has(msg.idempotencyKey));
      await this.outbox.add(tx, toPublish);
      return { results: labels, published: toPublish.length };
    });
    settled.forEach((s, i) => {
      const result = results[i];
      if (result) this.attemptsMetric.inc({ tenant: s.job.tenantId, result });
    });
    if (published > 0) this.relay.kick();
  }

  private async fetch(job: ClaimedMedia): Promise<Settled> {
    const graph = graphConfigFor(this.config, job.tenantId);
    if (!graph) return { job, outcome: { ok: false, retryable: false, error: 'no Graph API access token configured for this tenant (INBOUND_GRAPH_CONFIG)' } };
    let storageKey: string | undefined;
    const outcome = await downloadMedia(
      graph,
      job.mediaId,
      this.config.media,
      async (body, meta) => {
        storageKey = mediaKey(job.tenantId, job.wamid, meta.mimeType ?? job.mimeType);
        await this.storage.put(storageKey, body, { size: meta.size, signal: meta.signal });
      },
      { dispatcher: this.outbound.dispatcher, cancel: this.cancel.signal },
    );
    return storageKey === undefined ? { job, outcome } : { job, outcome, storageKey };
  }

  /** Updates the row; returns the event and publication when the job is finished, and the attempt's result for the metric. */
  private async record(tx: Parameters<MediaRepository['stored']>[0], s: Settled): Promise<{ final?: { event: NewEvent; message: OutboxMessage }; result?: string }> {
    const { job, outcome } = s;
    const attempts = job.attempts + 1;
    const log = { tenant: job.tenantId, wamid: job.wamid, attempts };
    const m = this.config.media;
    if (outcome.ok && s.storageKey) {
      await this.repo.stored(tx, job, attempts, { storageKey: s.storageKey, size: outcome.sizeBytes, sha256: outcome.sha256, mimeType: outcome.mimeType });
      return { result: 'stored', final: this.final(job, InboundEventTypes.mediaStored, { kind: 'media.stored', mimeType: outcome.mimeType ?? job.mimeType, sha256: outcome.sha256, sizeBytes: outcome.sizeBytes, storageKey: s.storageKey, attempts }) };
    }
    if (!outcome.ok && outcome.cancelled) {
      await this.repo.release(tx, job);
      return {};
    }
    const error = outcome.ok ? 'not stored' : outcome.error;
    const retryable = !outcome.ok && outcome.retryable;
    const tooLarge = !outcome.ok && outcome.tooLarge === true;
    const result = tooLarge ? 'too-large' : retryable ? 'retryable-error' : 'error';
    if (!retryable || attempts >= m.maxAttempts) {
      this.logger.error({ ...log, error }, 'media download failed for good');
      await this.repo.failed(tx, job, attempts, error);
      return { result, final: this.final(job, InboundEventTypes.mediaFailed, { kind: 'media.failed', error, attempts }) };
    }
    this.logger.warn({ ...log, error }, 'media download failed; will retry');
    await this.repo.reschedule(tx, job, attempts, backoffMs(attempts, m.backoffBaseMs, m.backoffCapMs), error);
    return { result };
  }

  private final(job: ClaimedMedia, type: string, detail: Record<string, unknown>): { event: NewEvent; message: OutboxMessage } {
    const key = `${type}:${job.wamid}`;
    const payload = { schemaVersion: 1, tenantId: job.tenantId, wamid: job.wamid, mediaId: job.mediaId, ...detail, at: new Date().toISOString() };
    return {
      event: { tenantId: job.tenantId, streamId: inboundStream(job.wamid), type, schemaVersion: INBOUND_SCHEMA_VERSION, data: payload, idempotencyKey: key, metadata: { wamid: job.wamid } },
      message: { tenantId: job.tenantId, topic: InboundTopics.media, key: job.tenantId, payload, idempotencyKey: key },
    };
  }

  /** Downloads in flight are cancelled (their rows handed back uncounted), then the round ends. */
  override async stop(): Promise<void> {
    this.cancel.abort(new Error('shutting down'));
    await super.stop();
  }
}
