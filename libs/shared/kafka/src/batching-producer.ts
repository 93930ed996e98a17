import { compatibilityPartitioner, ProduceAcks, Producer } from '@platformatic/kafka';

export interface OutgoingRecord {
  topic: string;
  key: string;
  value: Buffer;
  headers: Record<string, string | Buffer>;
}

/** Where the producer connects. */
export interface ProducerConnection {
  brokers: string[];
  clientId: string;
  /** TCP connect timeout; short so a dead broker turns into 503s quickly. */
  connectTimeoutMs?: number;
  /** Per produce request. */
  requestTimeoutMs?: number;
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
 * produce request. Exactly one send is in flight (an idempotent producer
 * allows one in-flight request per connection here, and a queue that builds
 * while it is out is the next batch); records arriving meanwhile form the
 * next batch. Under load batches grow by themselves; when idle a record
 * waits at most lingerMs.
 *
 * Idempotent (acks = all in-sync replicas, broker-side dedup on retries),
 * with the Java-compatible murmur2 partitioner pinned explicitly (positive
 * murmur2 of the key bytes modulo the partition count, as the Java client
 * and kafkajs's DefaultPartitioner): it decides which partition each
 * tenant's key lands on, and must agree with every other client of these
 * topics.
 *
 * The client is @platformatic/kafka rather than kafkajs (which the
 * consumers use): the same produce request costs about half the CPU
 * (WASM CRC32C, one pass of encoding into a growable buffer), and the
 * intake is CPU-bound on exactly this path (docs/dependencies.md).
 */
export class BatchingProducer {
  private readonly producer: Producer<Buffer, Buffer, Buffer, Buffer>;
  private readonly headerKeys = new Map<string, Buffer>();
  private queue: Pending[] = [];
  private flushing = false;
  private timer: NodeJS.Timeout | undefined;
  private connected = false;
  private closed = false;
  private connecting: Promise<void> | undefined;

  constructor(
    connection: ProducerConnection,
    private readonly options: BatchingProducerOptions,
    private readonly observe: FlushObserver = () => undefined,
  ) {
    this.producer = new Producer<Buffer, Buffer, Buffer, Buffer>({
      clientId: connection.clientId,
      bootstrapBrokers: connection.brokers,
      connectTimeout: connection.connectTimeoutMs ?? 3000,
      timeout: connection.requestTimeoutMs ?? 10_000,
      idempotent: true,
      acks: ProduceAcks.ALL,
      partitioner: compatibilityPartitioner,
      autocreateTopics: false,
      // A send that still fails after these rejects its batch (503 at the
      // intake; Meta retries); the next batch starts a fresh idempotent session.
      retries: 3,
      retryDelay: 250,
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
    this.connecting ??= this.producer.initIdempotentProducer({}).then(
      () => {
        this.connected = true;
      },
      (error: unknown) => {
        this.connecting = undefined;
        throw error;
      },
    );
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
    await this.producer.close(true);
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
      // A producer that never connected (broker down at start-up) or lost
      // its connection reconnects here; failure answers this batch with 503.
      if (!this.connected) await this.connect();
      await this.producer.send({ messages: batch.map((p) => this.message(p.record)) });
      for (const p of batch) p.resolve();
      this.observe(batch.length, Number(process.hrtime.bigint() - started) / 1e9);
    } catch (error) {
      this.connected = false;
      this.connecting = undefined;
      const err = error instanceof Error ? error : new Error(String(error));
      for (const p of batch) p.reject(new ProducerUnavailableError(err.message));
      this.observe(batch.length, Number(process.hrtime.bigint() - started) / 1e9, err);
    } finally {
      this.flushing = false;
      // Whatever queued meanwhile has already waited a whole round trip.
      if (this.queue.length > 0) void this.flush();
    }
  }

  private message(record: OutgoingRecord) {
    const headers = new Map<Buffer, Buffer>();
    for (const name in record.headers) {
      const value = record.headers[name]!;
      headers.set(this.headerKey(name), typeof value === 'string' ? Buffer.from(value) : value);
    }
    return { topic: record.topic, key: Buffer.from(record.key), value: record.value, headers };
  }

  /** Header names are a handful of constants: encoded once. */
  private headerKey(name: string): Buffer {
    let key = this.headerKeys.get(name);
    if (!key) {
      key = Buffer.from(name);
      this.headerKeys.set(name, key);
    }
    return key;
  }
}
