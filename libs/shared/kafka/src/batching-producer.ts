import { IHeaders, Kafka, Partitioners, Producer } from 'kafkajs';

export interface OutgoingRecord {
  topic: string;
  key: string;
  value: Buffer;
  headers: IHeaders;
}

export interface BatchingProducerOptions {
  /** How long the first record of a batch waits for company. */
  lingerMs: number;
  /** Records per produce request at most. */
  maxBatch: number;
  /** A publish not acknowledged by then rejects with PublishTimeoutError. */
  publishTimeoutMs: number;
  /** Records waiting at most; beyond it publish rejects at once with ProducerOverloadedError. */
  maxQueued?: number;
}

export class PublishTimeoutError extends Error {
  override readonly name = 'PublishTimeoutError';
}
export class ProducerOverloadedError extends Error {
  override readonly name = 'ProducerOverloadedError';
}
export class ProducerUnavailableError extends Error {
  override readonly name = 'ProducerUnavailableError';
}

interface Pending {
  record: OutgoingRecord;
  resolve: () => void;
  reject: (e: Error) => void;
  settled: boolean;
}

export interface FlushObserver {
  (batchSize: number, seconds: number, error?: Error): void;
}

/**
 * Group commit for Kafka writes: concurrent publish() calls share one
 * produce request. kafkajs does not batch across send() calls, and its
 * idempotent producer breaks sequence numbers under concurrent sends
 * (kafkajs#598), so exactly one sendBatch is in flight; records arriving
 * meanwhile form the next batch. Under load batches grow by themselves;
 * when idle a record waits at most lingerMs.
 *
 * Idempotent (acks = all in-sync replicas, broker-side dedup on retries),
 * with the Java-compatible murmur2 partitioner pinned explicitly: it decides
 * which partition each tenant's key lands on, and must agree with every
 * other client of these topics.
 */
export class BatchingProducer {
  private readonly producer: Producer;
  private queue: Pending[] = [];
  private flushing = false;
  private timer: NodeJS.Timeout | undefined;
  private connected = false;
  private closed = false;
  private connecting: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    private readonly options: BatchingProducerOptions,
    private readonly observe: FlushObserver = () => undefined,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 100, maxRetryTime: 2000 },
    });
    this.producer.on(this.producer.events.CONNECT, () => (this.connected = true));
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connected = false;
      this.connecting = undefined;
    });
  }

  get isConnected(): boolean {
    return this.connected;
  }

  get queued(): number {
    return this.queue.length;
  }

  /**
   * Connects once; concurrent callers share the attempt, and a failed
   * attempt is forgotten so the next flush tries again.
   */
  connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  /** Resolves once every in-sync replica has the record; rejects within publishTimeoutMs otherwise. */
  publish(record: OutgoingRecord): Promise<void> {
    if (this.closed) return Promise.reject(new ProducerUnavailableError('producer is shutting down'));
    if (this.queue.length >= (this.options.maxQueued ?? 10_000)) {
      return Promise.reject(new ProducerOverloadedError(`${this.queue.length} records already waiting`));
    }
    return new Promise<void>((resolve, reject) => {
      const pending: Pending = { record, resolve, reject, settled: false };
      const deadline = setTimeout(() => {
        if (pending.settled) return;
        pending.settled = true;
        reject(new PublishTimeoutError(`not acknowledged within ${this.options.publishTimeoutMs} ms`));
      }, this.options.publishTimeoutMs);
      pending.resolve = () => {
        clearTimeout(deadline);
        if (pending.settled) return;
        pending.settled = true;
        resolve();
      };
      pending.reject = (e) => {
        clearTimeout(deadline);
        if (pending.settled) return;
        pending.settled = true;
        reject(e);
      };
      this.queue.push(pending);
      this.schedule();
    });
  }

  /** Publishes what is queued, waits for in-flight writes, then disconnects. */
  async close(drainMs = this.options.publishTimeoutMs * 2): Promise<void> {
    this.closed = true;
    const deadline = Date.now() + drainMs;
    while ((this.queue.length > 0 || this.flushing) && Date.now() < deadline) {
      if (!this.flushing) void this.flush();
      await new Promise((r) => setTimeout(r, 5));
    }
    // Past the drain bound (broker gone), whoever still waits is told so.
    for (const p of this.queue.splice(0)) p.reject(new ProducerUnavailableError('producer closed before the write'));
    await this.producer.disconnect();
  }

  private schedule(): void {
    if (this.flushing) return;
    if (this.queue.length >= this.options.maxBatch || this.options.lingerMs === 0) {
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.options.lingerMs);
    }
  }

  private async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.flushing) return;
    // Records whose caller already gave up (timed out) are still written:
    // the caller answered 503, Meta will retry, and the delivery id lets
    // consumers drop the duplicate. Dropping them here could lose an event
    // whose write had in fact begun.
    const batch = this.queue.splice(0, this.options.maxBatch);
    if (batch.length === 0) return;
    this.flushing = true;
    const started = process.hrtime.bigint();
    try {
      const byTopic = new Map<string, Pending[]>();
      for (const p of batch) {
        const list = byTopic.get(p.record.topic) ?? [];
        list.push(p);
        byTopic.set(p.record.topic, list);
      }
      // A producer that never connected (broker down at start-up) or lost
      // its connection reconnects here; failure answers this batch with 503.
      if (!this.connected) await this.connect();
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, items]) => ({
          topic,
          messages: items.map((p) => ({ key: p.record.key, value: p.record.value, headers: p.record.headers })),
        })),
      });
      for (const p of batch) p.resolve();
      this.observe(batch.length, Number(process.hrtime.bigint() - started) / 1e9);
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      for (const p of batch) p.reject(new ProducerUnavailableError(err.message));
      this.observe(batch.length, Number(process.hrtime.bigint() - started) / 1e9, err);
    } finally {
      this.flushing = false;
      // Whatever queued meanwhile has already waited a whole round trip.
      if (this.queue.length > 0) void this.flush();
    }
  }
}
