import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import type { Logger } from 'pino';

import { groupTopicSpecs, RawHeaders, retryTopic } from '@wahooks/events-contract';
import type { BatchControl, BatchingProducer, BatchOutcome, ConsumedRecord, GroupConsumer, KafkaClients, RecordBatch } from '@wahooks/kafka';
import { MetricsService } from '@wahooks/observability';

import { ConsumerHealth } from './consumer-health';
import { deadLetterFor, Disposition, originOf } from './dlq';
import { backoffMs, Classified, classifyFailure, failureSignature, PoisonRecordError } from './failure-policy';

export interface KafkaBatchServerOptions {
  kafka: KafkaClients;
  groupId: string;
  logger: Logger;
  metrics: MetricsService;
  /** Attempts of a poison failure before the batch is split (and, alone, the record dead-lettered). */
  poisonAttempts?: number;
  /** Repeats of the same transient failure on the same records before the batch is split in two. */
  splitAfter?: number;
  /** Repeats of the same non-infrastructure failure on one record before it is parked (only while other work succeeds). */
  parkAfter?: number;
  retryBaseMs?: number;
  retryCapMs?: number;
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Where a new consumer group starts: the whole topic (default) or only what arrives from now on. */
  fromBeginning?: boolean;
  /** Shared with the app's readiness check. */
  health?: ConsumerHealth;
  /**
   * Checks of each record of a topic before its handler sees it (the raw
   * topic's intake proof); a check throws PoisonRecordError for a record
   * that must not be handled, which is then dead-lettered with the reason.
   */
  recordChecks?: Readonly<Record<string, (record: ConsumedRecord) => void>>;
}

/** What a failure on some records has shown so far; a split hands it to both halves. */
interface Evidence {
  signature: string | undefined;
  repeats: number;
  /** When this work first failed: parking needs another batch to have succeeded since. */
  firstFailureAt: number | undefined;
}

const NO_EVIDENCE: Evidence = { signature: undefined, repeats: 0, firstFailureAt: undefined };

/**
 * A NestJS transport strategy for consumers whose handlers write to Postgres.
 *
 * Nest's built-in Kafka transport hands handlers one message at a time and
 * commits offsets on its own schedule; we need the opposite: a whole
 * partition batch per handler call, so the handler can append the batch's
 * events, update projections and store its checkpoint in one database
 * transaction (or a few, each idempotent), and offsets committed only after
 * every record of the batch is settled. A crash anywhere replays the batch,
 * and the event store's idempotency keys make the replay change nothing.
 *
 * Failures follow failure-policy.ts: infrastructure failures are retried for
 * as long as they last; poison records are isolated by splitting the batch
 * and dead-lettered to the group's own `<group>.dlq`; other failures are
 * retried, split when they repeat, and a record that keeps failing the same
 * way while other records are handled is parked there too. The group's
 * `<group>.retry` topic, where `npm run dlq:replay` puts dead letters back,
 * is consumed with the handlers of the records' origin topics.
 *
 * Handlers are declared the NestJS way: `@EventPattern(topic)` on a method
 * that receives a `RecordBatch`.
 */
export class KafkaBatchServer extends Server implements CustomTransportStrategy {
  override readonly propagatesEventHandlerErrors = true;
  readonly health: ConsumerHealth;
  private consumer: GroupConsumer | undefined;
  private dlqProducer: BatchingProducer | undefined;
  private stopping = false;
  private lastSuccessAt = 0;
  private readonly o: Required<Omit<KafkaBatchServerOptions, 'kafka' | 'logger' | 'metrics' | 'groupId' | 'health' | 'recordChecks'>>;
  private readonly log: Logger;
  private readonly m;

  constructor(private readonly options: KafkaBatchServerOptions) {
    super();
    this.health = options.health ?? new ConsumerHealth(options.groupId);
    this.log = options.logger.child({ component: 'consumer', group: options.groupId });
    this.o = {
      poisonAttempts: options.poisonAttempts ?? 3,
      splitAfter: options.splitAfter ?? 3,
      parkAfter: options.parkAfter ?? 5,
      retryBaseMs: options.retryBaseMs ?? 200,
      retryCapMs: options.retryCapMs ?? 30_000,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
      sessionTimeoutMs: options.sessionTimeoutMs ?? 6_000,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1_000,
      fromBeginning: options.fromBeginning ?? true,
    };
    const mx = options.metrics;
    const group = options.groupId;
    const health = this.health;
    this.m = {
      records: mx.counter('wahooks_consumer_records_total', 'Records settled, by outcome (handled, dead-lettered as poison, parked)', ['group', 'topic', 'outcome']),
      batchSeconds: mx.histogram('wahooks_consumer_batch_seconds', 'Time to settle one batch, commit included', ['group', 'topic']),
      lag: mx.gauge('wahooks_consumer_lag', 'Records behind the high watermark when the last batch was fetched', ['group', 'topic', 'partition']),
      endToEnd: mx.histogram('wahooks_consumer_end_to_end_seconds', 'From intake acknowledgement to handled', ['group', 'topic'], [
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
      ]),
      retries: mx.counter('wahooks_consumer_retries_total', 'Failed attempts, by failure class', ['group', 'topic', 'class']),
      splits: mx.counter('wahooks_consumer_splits_total', 'Batches split to isolate a repeating failure', ['group', 'topic']),
    };
    // Read at scrape time, so the value grows while the outage lasts.
    mx.gauge('wahooks_consumer_retrying_seconds', 'How long the consumer has been retrying a failure (0 when it is not)', ['group'], function () {
      const since = health.snapshot().retryingSince;
      this.set({ group }, since ? (Date.now() - Date.parse(since)) / 1000 : 0);
    });
  }

  on(): never {
    throw new Error('KafkaBatchServer does not support event listeners');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(() => callback(), callback);
  }

  async close(): Promise<void> {
    this.stopping = true;
    // The consumer waits for the batch in flight to return before it leaves the group.
    await this.consumer?.stop();
    await this.dlqProducer?.close();
    this.health.set('stopped');
  }

  private async start(): Promise<void> {
    const { kafka, groupId } = this.options;
    const topics = [...this.messageHandlers.keys()];
    // The group's own dead-letter and retry topics; created here when missing, if the principal may.
    const admin = kafka.topicAdmin();
    try {
      await admin.ensure(groupTopicSpecs(groupId));
    } finally {
      await admin.close();
    }
    this.dlqProducer = kafka.producer('dlq', { lingerMs: 0, maxBatch: 100, publishTimeoutMs: 30_000 });
    this.consumer = kafka.consumer(
      {
        groupId,
        topics: [...topics, retryTopic(groupId)],
        sessionTimeoutMs: this.o.sessionTimeoutMs,
        heartbeatIntervalMs: this.o.heartbeatIntervalMs,
        partitionsConsumedConcurrently: this.o.partitionsConsumedConcurrently,
        fromBeginning: this.o.fromBeginning,
      },
      (state, error) => {
        if (state === 'joined') this.health.set('running');
        else {
          this.health.set(state === 'restarting' ? 'retrying' : 'crashed', error);
          this.log.error({ err: error, state }, 'consumer crashed');
        }
      },
    );
    await this.consumer.start((batch, control) => this.onBatch(batch, control));
    this.log.info({ topics, retryTopic: retryTopic(groupId) }, 'consumer started');
  }

  private async onBatch(batch: RecordBatch & { lag: number }, control: BatchControl): Promise<BatchOutcome> {
    const started = process.hrtime.bigint();
    const labels = { group: this.options.groupId, topic: batch.topic };
    this.m.lag.set({ ...labels, partition: String(batch.partition) }, batch.lag);
    const work = batch.topic === retryTopic(this.options.groupId) ? this.byOrigin(batch) : [batch];
    for (const part of work) {
      if (!(await this.settle(part, control, NO_EVIDENCE))) return 'abandon';
    }
    this.health.batchDone();
    const now = Date.now();
    for (const r of batch.records) {
      const receivedAt = Date.parse(r.headers[RawHeaders.receivedAt] ?? '');
      if (!Number.isNaN(receivedAt) && r.topic === batch.topic) this.m.endToEnd.observe(labels, (now - receivedAt) / 1000);
    }
    this.m.batchSeconds.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    return 'commit';
  }

  /** Replayed dead letters go to the handler of the topic they first came from, in their order. */
  private byOrigin(batch: RecordBatch): RecordBatch[] {
    const parts: RecordBatch[] = [];
    for (const record of batch.records) {
      const topic = originOf(record).topic;
      const last = parts[parts.length - 1];
      if (last && last.topic === topic) last.records.push(record);
      else parts.push({ topic, partition: batch.partition, records: [record] });
    }
    return parts;
  }

  /**
   * Settles `batch`: handled, or its failing records dead-lettered. Returns
   * false when the consumer should stop working on it (shutting down, the
   * partition moved): nothing is committed and the batch replays.
   */
  private async settle(batch: RecordBatch, control: BatchControl, inherited: Evidence): Promise<boolean> {
    const labels = { group: this.options.groupId, topic: batch.topic };
    let evidence = inherited;
    for (let attempt = 1; ; attempt++) {
      if (!control.alive() || this.stopping) return false;
      let failure: { error: unknown; classified: Classified } | undefined;
      try {
        await this.invoke(batch, control);
      } catch (error) {
        failure = { error, classified: classifyFailure(error) };
      }
      if (!failure) {
        this.lastSuccessAt = Date.now();
        this.m.records.inc({ ...labels, outcome: 'handled' }, batch.records.length);
        return true;
      }
      const { error, classified } = failure;
      this.m.retries.inc({ ...labels, class: classified.class });
      const signature = failureSignature(error, classified);
      evidence = {
        signature,
        repeats: signature === evidence.signature ? evidence.repeats + 1 : 1,
        firstFailureAt: evidence.firstFailureAt ?? Date.now(),
      };
      const where = { topic: batch.topic, partition: batch.partition, firstOffset: batch.records[0]?.offset, records: batch.records.length };
      if (classified.class !== 'infrastructure') {
        const threshold = classified.class === 'poison' ? this.o.poisonAttempts : this.o.splitAfter;
        if (batch.records.length > 1 && evidence.repeats >= threshold) {
          this.m.splits.inc(labels);
          this.log.warn({ err: error, class: classified.class, code: classified.code, ...where }, 'the same failure repeats; splitting the batch to isolate it');
          const mid = Math.ceil(batch.records.length / 2);
          for (const half of [batch.records.slice(0, mid), batch.records.slice(mid)]) {
            if (!(await this.settle({ ...batch, records: half }, control, evidence))) return false;
          }
          return true;
        }
        const [record] = batch.records;
        if (record && batch.records.length === 1) {
          const proven = classified.class === 'poison' && evidence.repeats >= this.o.poisonAttempts;
          // Parked only when other work succeeded meanwhile: then it is this record, not the service.
          const isolated = classified.class !== 'poison' && evidence.repeats >= this.o.parkAfter && this.lastSuccessAt > (evidence.firstFailureAt ?? Infinity);
          if (proven || isolated) return this.deadLetter(record, batch, error, classified, proven ? 'poison' : 'parked', attempt, control);
        }
      }
      if (classified.class !== 'poison') this.health.set('retrying', error);
      this.log.warn({ err: error, class: classified.class, code: classified.code, attempt, ...where }, 'batch failed; retrying');
      await this.sleep(backoffMs(attempt, this.o.retryBaseMs, this.o.retryCapMs), control);
    }
  }

  /** Writes the dead letter (retrying while the broker is away); true once it is stored. */
  private async deadLetter(record: ConsumedRecord, batch: RecordBatch, error: unknown, classified: Classified, disposition: Disposition, attempts: number, control: BatchControl): Promise<boolean> {
    const letter = deadLetterFor(record, this.options.groupId, error, classified, disposition, attempts);
    const tenant = record.headers[RawHeaders.tenantId];
    for (let attempt = 1; ; attempt++) {
      try {
        // Written before the offsets are committed: if this fails the batch replays, nothing is lost.
        await this.dlqProducer?.publish(letter);
        break;
      } catch (writeError) {
        this.health.set('retrying', writeError);
        this.log.warn({ err: writeError, topic: letter.topic }, 'dead letter not written; retrying');
        await this.sleep(backoffMs(attempt, this.o.retryBaseMs, this.o.retryCapMs), control);
        if (!control.alive() || this.stopping) return false;
      }
    }
    this.m.records.inc({ group: this.options.groupId, topic: batch.topic, outcome: disposition === 'poison' ? 'dead-lettered' : 'parked' });
    this.log.error(
      { err: error, class: classified.class, code: classified.code, disposition, topic: record.topic, partition: record.partition, offset: record.offset, tenant, dlq: letter.topic },
      disposition === 'poison' ? 'record dead-lettered' : 'record parked after repeated failures',
    );
    return true;
  }

  private async invoke(batch: RecordBatch, control: BatchControl): Promise<void> {
    const handler = this.getHandlerByPattern(batch.topic);
    // A replayed dead letter whose origin this group does not consume: nothing here can handle it.
    if (!handler) throw new PoisonRecordError(`no handler for topic ${batch.topic}`);
    const check = this.options.recordChecks?.[batch.topic];
    if (check) for (const record of batch.records) check(record);
    const result = await handler(batch, { control });
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  }

  /** Backoff that keeps heartbeating and ends early on shutdown or a lost partition. */
  private async sleep(ms: number, control: BatchControl): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until && !this.stopping && control.alive()) {
      await new Promise((r) => setTimeout(r, Math.min(500, until - Date.now())));
      await control.heartbeat();
    }
  }
}

export type { ConsumedRecord };
