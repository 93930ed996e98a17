import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import type { Logger } from 'pino';

import { deadLetterTopic, RawHeaders } from '@wahooks/events-contract';
import { MetricsService } from '@wahooks/observability';

import { ConsumedRecord, RecordBatch, toConsumedRecord } from './consumed-record';
import { ConsumerHealth } from './consumer-health';
import { deadLetterFor } from './dlq';
import { backoffMs, classifyFailure } from './failure-policy';

export interface KafkaBatchServerOptions {
  kafka: Kafka;
  groupId: string;
  logger: Logger;
  metrics: MetricsService;
  /** Attempts of a failing (non-transient) batch before it is split and dead-lettered. */
  maxAttempts?: number;
  retryBaseMs?: number;
  retryCapMs?: number;
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  /** Where a new consumer group starts: the whole topic (default) or only what arrives from now on. */
  fromBeginning?: boolean;
  /** Shared with the app's readiness check. */
  health?: ConsumerHealth;
}

/**
 * A NestJS transport strategy for consumers whose handlers write to Postgres.
 *
 * Nest's built-in Kafka transport hands handlers one message at a time and
 * commits offsets on its own schedule; we need the opposite: a whole
 * partition batch per handler call, so the handler can append the batch's
 * events, update projections and store its checkpoint in ONE database
 * transaction, and offsets committed only after that transaction committed.
 * A crash anywhere replays the batch, and the event store's idempotency keys
 * make the replay change nothing.
 *
 * Handlers are declared the NestJS way: `@EventPattern(topic)` on a method
 * that receives a `RecordBatch`.
 */
export class KafkaBatchServer extends Server implements CustomTransportStrategy {
  override readonly propagatesEventHandlerErrors = true;
  readonly health: ConsumerHealth;
  private consumer: Consumer | undefined;
  private dlqProducer: Producer | undefined;
  private stopping = false;
  private readonly o: Required<Omit<KafkaBatchServerOptions, 'kafka' | 'logger' | 'metrics' | 'groupId' | 'health'>>;
  private readonly log: Logger;
  private readonly m;

  constructor(private readonly options: KafkaBatchServerOptions) {
    super();
    this.health = options.health ?? new ConsumerHealth(options.groupId);
    this.log = options.logger.child({ component: 'consumer', group: options.groupId });
    this.o = {
      maxAttempts: options.maxAttempts ?? 3,
      retryBaseMs: options.retryBaseMs ?? 200,
      retryCapMs: options.retryCapMs ?? 30_000,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
      sessionTimeoutMs: options.sessionTimeoutMs ?? 30_000,
      fromBeginning: options.fromBeginning ?? true,
    };
    const mx = options.metrics;
    this.m = {
      records: mx.counter('wahooks_consumer_records_total', 'Records handled by outcome', ['group', 'topic', 'outcome']),
      batchSeconds: mx.histogram('wahooks_consumer_batch_seconds', 'Time to handle one batch, commit included', ['group', 'topic']),
      lag: mx.gauge('wahooks_consumer_lag', 'Records behind the high watermark after the last batch', ['group', 'topic', 'partition']),
      endToEnd: mx.histogram('wahooks_consumer_end_to_end_seconds', 'From intake acknowledgement to handled', ['group', 'topic'], [
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
      ]),
      retries: mx.counter('wahooks_consumer_retries_total', 'Batch retries by failure kind', ['group', 'topic', 'kind']),
    };
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
    // kafkajs waits for the batch in flight to finish before leaving the group.
    await this.consumer?.disconnect();
    await this.dlqProducer?.disconnect();
    this.health.set('stopped');
  }

  private async start(): Promise<void> {
    const topics = [...this.messageHandlers.keys()];
    const kafka = this.options.kafka;
    this.dlqProducer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await this.dlqProducer.connect();
    this.consumer = kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.o.sessionTimeoutMs,
      heartbeatInterval: Math.floor(this.o.sessionTimeoutMs / 10),
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 250,
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.health.set(payload.restart ? 'retrying' : 'crashed', payload.error);
      this.log.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
    });
    // Ready once the group has assigned partitions, not merely once run() returned.
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => this.health.set('running'));
    await this.consumer.connect();
    for (const topic of topics) await this.consumer.subscribe({ topic, fromBeginning: this.o.fromBeginning });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.o.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.onBatch(payload),
    });
    this.log.info({ topics }, 'consumer started');
  }

  private async onBatch({ batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const started = process.hrtime.bigint();
    const labels = { group: this.options.groupId, topic: batch.topic };
    const records = batch.messages.map((m) => toConsumedRecord(batch.topic, batch.partition, m));
    const handled = await this.handleWithRetries({ topic: batch.topic, partition: batch.partition, records }, heartbeat, () => isRunning() && !isStale());
    if (!handled) return; // shutting down or rebalanced away: the batch replays elsewhere
    // Resolving moves kafkajs's fetch position; committing records it in the group.
    resolveOffset(batch.lastOffset());
    const next = (BigInt(batch.lastOffset()) + 1n).toString();
    await this.consumer?.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
    this.health.batchDone();
    const now = Date.now();
    for (const r of records) {
      const receivedAt = Date.parse(r.headers[RawHeaders.receivedAt] ?? '');
      if (!Number.isNaN(receivedAt)) this.m.endToEnd.observe(labels, (now - receivedAt) / 1000);
    }
    this.m.batchSeconds.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    this.m.lag.set({ ...labels, partition: String(batch.partition) }, Number(batch.offsetLag()));
  }

  /**
   * Returns true when every record was either handled or dead-lettered, so
   * the offsets may be committed; false when the consumer should stop.
   */
  private async handleWithRetries(batch: RecordBatch, heartbeat: () => Promise<void>, alive: () => boolean): Promise<boolean> {
    const labels = { group: this.options.groupId, topic: batch.topic };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.invoke(batch);
        this.m.records.inc({ ...labels, outcome: 'handled' }, batch.records.length);
        return true;
      } catch (error) {
        const kind = classifyFailure(error);
        this.m.retries.inc({ ...labels, kind });
        if (kind === 'poison' && attempt >= this.o.maxAttempts) return this.splitAndDeadLetter(batch, heartbeat);
        if (kind === 'transient') this.health.set('retrying', error);
        this.log.warn(
          { err: error, kind, attempt, topic: batch.topic, partition: batch.partition, firstOffset: batch.records[0]?.offset },
          'batch failed; retrying',
        );
        await this.sleep(backoffMs(attempt, this.o.retryBaseMs, this.o.retryCapMs), heartbeat);
        if (!alive() || this.stopping) return false;
      }
    }
  }

  /** Handles records one by one; those that still fail go to `<topic>.dlq` with the error, in one write. */
  private async splitAndDeadLetter(batch: RecordBatch, heartbeat: () => Promise<void>): Promise<boolean> {
    const labels = { group: this.options.groupId, topic: batch.topic };
    const letters: Array<ReturnType<typeof deadLetterFor>> = [];
    for (const record of batch.records) {
      let lastError: unknown;
      let attempts = 0;
      for (; attempts < this.o.maxAttempts; attempts++) {
        try {
          await this.invoke({ ...batch, records: [record] });
          lastError = undefined;
          break;
        } catch (error) {
          lastError = error;
          // Infrastructure failed meanwhile: give up on splitting, replay the batch later.
          if (classifyFailure(error) === 'transient') throw error;
        }
      }
      if (lastError === undefined) {
        this.m.records.inc({ ...labels, outcome: 'handled' });
        continue;
      }
      letters.push(deadLetterFor(record, this.options.groupId, lastError, attempts));
      this.log.error(
        { err: lastError, topic: record.topic, partition: record.partition, offset: record.offset, tenant: record.headers[RawHeaders.tenantId] },
        'record dead-lettered',
      );
      if (letters.length % 100 === 0) await heartbeat();
    }
    if (letters.length > 0) {
      // Written before the offsets are committed: if this fails the batch replays, nothing is lost.
      await this.dlqProducer?.send({ topic: deadLetterTopic(batch.topic), acks: -1, messages: letters.map(({ topic: _t, ...m }) => m) });
      this.m.records.inc({ ...labels, outcome: 'dead-lettered' }, letters.length);
    }
    return true;
  }

  private async invoke(batch: RecordBatch): Promise<void> {
    const handler = this.getHandlerByPattern(batch.topic);
    if (!handler) throw new Error(`no handler for topic ${batch.topic}`);
    const result = await handler(batch);
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  }

  private async sleep(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until && !this.stopping) {
      await new Promise((r) => setTimeout(r, Math.min(1000, until - Date.now())));
      await heartbeat().catch(() => undefined);
    }
  }
}

export type { ConsumedRecord };
