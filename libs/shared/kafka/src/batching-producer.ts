import { compatibilityPartitioner, ProduceAcks, Producer } from '@platformatic/kafka';

import { KafkaSecurity, PLAINTEXT, platformaticSecurity } from './kafka-security';
import { TopicNamespace } from './topic-namespace';

export interface OutgoingRecord {
  /** Logical name; the producer's namespace gives the broker's. */
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
  /** Prefix of every topic written (default: none). */
  namespace?: TopicNamespace;
  /** TLS and SASL (default: PLAINTEXT). */
  security?: KafkaSecurity;
}

export interface BatchingProducerOptions {
  /** How long the first record of a batch waits for company. */
  lingerMs: number;
  /** Records per produce request at most. */
  maxBatch: number;

  /**
   * Bytes per produce request at most (values, keys and headers), default
   * 900 KiB: one tenant's records share a partition, so a request's records
   * can form one record batch, and the broker refuses a batch over the
   * topic's max.message.bytes (1 MiB by default) as a whole. A single record
   * larger than this still goes, alone (the raw topics allow 8 MiB).
   */
  maxBatchBytes?: number;
  /** A publish not acknowledged by then rejects with PublishTimeoutError. */
  publishTimeoutMs: number;
  /** Records waiting at most; beyond it publish rejects at once with ProducerOverloadedError. */
  maxQueued?: number;
  /**
   * Bytes waiting at most (default 256 MiB), for the same answer: while the
   * broker is down, records whose callers timed out stay queued on purpose,
   * and with 3 MiB webhooks a count alone would not bound the memory.
   */
  maxQueuedBytes?: number;
  /**
   * Independent idempotent producers (connections, producer ids), each with
   * one send in flight; default 1. With 2, records that queue while one
   * batch is at the broker leave at once on the other lane instead of
   * waiting a round trip. Records of one key sent in different lanes may
   * land in either order, so only writers whose records carry no order
   * among concurrent sends (the intake: concurrent HTTP requests have none)
   * use more than one.
   */
  lanes?: number;
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

/**
 * Broker answers that no retry of the same record can change (Kafka error
 * names): the record is too large for the topic, the topic does not exist or
 * is not ours to write, the record is invalid. Callers that can set a record
 * aside (the outbox relay) do so instead of retrying it for ever.
 */
const PERMANENT_PRODUCE_ERRORS = [
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'TOPIC_AUTHORIZATION_FAILED',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'INVALID_TOPIC_EXCEPTION',
];

/** The permanent Kafka error a failed publish carries, if any (looked up through causes and aggregates). */
export function permanentProduceError(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): string | undefined => {
    if (!e || typeof e !== 'object' || depth > 6 || seen.has(e)) return undefined;
    seen.add(e);
    const x = e as { apiId?: unknown; type?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    for (const name of [x.apiId, x.type]) if (typeof name === 'string' && PERMANENT_PRODUCE_ERRORS.includes(name)) return name;
    if (typeof x.message === 'string') {
      const hit = PERMANENT_PRODUCE_ERRORS.find((n) => x.message === n || (x.message as string).includes(n));
      if (hit) return hit;
    }
    for (const inner of [x.cause, ...(Array.isArray(x.errors) ? x.errors : [])]) {
      const found = visit(inner, depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  return visit(error, 0);
}

interface Lane {
  producer: Producer<Buffer, Buffer, Buffer, Buffer>;
  busy: boolean;
  connected: boolean;
  connecting: Promise<void> | undefined;
}

/** A record waiting for its acknowledgement; settles once, whichever comes first. */
class Pending {
  settled = false;

  constructor(
    readonly record: OutgoingRecord,
    readonly bytes: number,
    /** Date.now() past which the caller is told PublishTimeoutError. */
    readonly deadline: number,
    private readonly onResolve: () => void,
    private readonly onReject: (e: Error) => void,
  ) {}

  resolve(): void {
    if (this.settled) return;
    this.settled = true;
    this.onResolve();
  }

  reject(e: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.onReject(e);
  }
}

export interface FlushObserver {
  (batchSize: number, seconds: number, error?: Error): void;
}

/**
 * Group commit for Kafka writes: concurrent publish() calls share one
 * produce request. Each lane (an idempotent producer session: one
 * request in flight per connection) has exactly one send in flight, and
 * records arriving meanwhile form the next batch. Under load batches grow
 * by themselves; when idle a record waits at most lingerMs.
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
 * (CRC32C from the prebuilt @node-rs/crc32 binary, WASM where none fits
 * the platform; one pass of encoding into a growable buffer), and the
 * intake is CPU-bound on exactly this path (docs/dependencies.md).
 */
export class BatchingProducer {
  private readonly lanes: Lane[];
  private readonly namespace: TopicNamespace;
  private readonly headerKeys = new Map<string, Buffer>();
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private queuedBytes = 0;
  private immediate: NodeJS.Immediate | undefined;
  private readonly inFlight = new Set<Pending[]>();
  private closed = false;

  constructor(
    connection: ProducerConnection,
    private readonly options: BatchingProducerOptions,
    private readonly observe: FlushObserver = () => undefined,
  ) {
    this.namespace = connection.namespace ?? new TopicNamespace();
    this.lanes = Array.from({ length: Math.max(1, options.lanes ?? 1) }, (_, i) => ({
      producer: new Producer<Buffer, Buffer, Buffer, Buffer>({
        clientId: options.lanes && options.lanes > 1 ? `${connection.clientId}-${i}` : connection.clientId,
        bootstrapBrokers: connection.brokers,
        ...platformaticSecurity(connection.security ?? PLAINTEXT),
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
      }),
      busy: false,
      connected: false,
      connecting: undefined,
    }));
  }

  /**
   * A metadata round trip on the first lane's connection, for readiness:
   * the broker answers and the given (logical) topics exist.
   */
  async check(topics: string[] = []): Promise<{ brokers: number; topics: number }> {
    const lane = this.lanes[0];
    if (!lane) throw new ProducerUnavailableError('no producer lane');
    const physical = topics.map((t) => this.namespace.physical(t));
    const metadata = await lane.producer.metadata({ topics: physical, forceUpdate: true });
    const missing = physical.filter((t) => !metadata.topics.has(t));
    if (missing.length > 0) throw new ProducerUnavailableError(`topics missing on the broker: ${missing.join(', ')}`);
    return { brokers: metadata.brokers.size, topics: physical.length };
  }

  /** True once every lane has an idempotent producer session with the broker. */
  get isConnected(): boolean {
    return this.lanes.every((l) => l.connected);
  }

  get queued(): number {
    return this.queue.length;
  }

  /**
   * Connects every lane; concurrent callers share the attempts, and a failed
   * attempt is forgotten so the next flush tries again.
   */
  async connect(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => this.connectLane(lane)));
  }

  private connectLane(lane: Lane): Promise<void> {
    lane.connecting ??= lane.producer.initIdempotentProducer({}).then(
      () => {
        lane.connected = true;
      },
      (error: unknown) => {
        lane.connecting = undefined;
        throw error;
      },
    );
    return lane.connecting;
  }

  /** Resolves once every in-sync replica has the record; rejects within publishTimeoutMs otherwise. */
  publish(record: OutgoingRecord): Promise<void> {
    if (this.closed) return Promise.reject(new ProducerUnavailableError('producer is shutting down'));
    if (this.queue.length >= (this.options.maxQueued ?? 10_000)) {
      return Promise.reject(new ProducerOverloadedError(`${this.queue.length} records already waiting`));
    }
    const bytes = recordBytes(record);
    if (this.queuedBytes > 0 && this.queuedBytes + bytes > (this.options.maxQueuedBytes ?? 256 * 1024 * 1024)) {
      return Promise.reject(new ProducerOverloadedError(`${this.queuedBytes} bytes already waiting`));
    }
    this.queuedBytes += bytes;
    return new Promise<void>((resolve, reject) => {
      this.queue.push(new Pending(record, bytes, Date.now() + this.options.publishTimeoutMs, resolve, reject));
      this.watchDeadlines();
      this.schedule();
    });
  }

  /**
   * One timer for every waiting record instead of a setTimeout each: it
   * ticks at a tenth of the publish timeout (at most 50 ms) while anything
   * waits, so a record is told PublishTimeoutError at most that late.
   */
  private watchDeadlines(): void {
    if (this.sweeper) return;
    const every = Math.max(1, Math.min(50, Math.floor(this.options.publishTimeoutMs / 10)));
    this.sweeper = setInterval(() => {
      const now = Date.now();
      const expire = (p: Pending) => {
        if (!p.settled && p.deadline <= now) p.reject(new PublishTimeoutError(`not acknowledged within ${this.options.publishTimeoutMs} ms`));
      };
      this.queue.forEach(expire);
      for (const batch of this.inFlight) batch.forEach(expire);
      if (this.queue.length === 0 && this.inFlight.size === 0) {
        clearInterval(this.sweeper);
        this.sweeper = undefined;
      }
    }, every);
    this.sweeper.unref();
  }

  /** Publishes what is queued, waits for in-flight writes, then disconnects. */
  async close(drainMs = this.options.publishTimeoutMs * 2): Promise<void> {
    this.closed = true;
    const deadline = Date.now() + drainMs;
    while ((this.queue.length > 0 || this.lanes.some((l) => l.busy)) && Date.now() < deadline) {
      this.flush();
      await new Promise((r) => setTimeout(r, 5));
    }
    // Past the drain bound (broker gone), whoever still waits is told so.
    for (const p of this.queue.splice(0)) p.reject(new ProducerUnavailableError('producer closed before the write'));
    this.queuedBytes = 0;
    await Promise.all(this.lanes.map((l) => l.producer.close(true)));
  }

  private schedule(): void {
    if (this.queue.length >= this.options.maxBatch) {
      this.flush();
    } else if (this.options.lingerMs === 0) {
      // No linger: still gather what this event-loop turn publishes (the
      // requests read from the same poll of the sockets), then send.
      this.immediate ??= setImmediate(() => {
        this.immediate = undefined;
        this.flush();
      });
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.options.lingerMs);
    }
  }

  /** Hands queued records to every idle lane, one batch each. */
  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const lane of this.lanes) {
      if (this.queue.length === 0) return;
      if (!lane.busy) void this.send(lane);
    }
  }

  private async send(lane: Lane): Promise<void> {
    // Records whose caller already gave up (timed out) are still written:
    // the caller answered 503, Meta will retry, and the delivery id lets
    // consumers drop the duplicate. Dropping them here could lose an event
    // whose write had in fact begun.
    const batch = this.take();
    if (batch.length === 0) return;
    lane.busy = true;
    this.inFlight.add(batch);
    const started = process.hrtime.bigint();
    try {
      const error = await this.write(lane, batch);
      // One topic's fault (missing, not authorized) must not fail the records
      // of the others: a failed batch spanning topics is sent again per topic.
      const groups = error ? groupByTopic(batch) : [];
      if (error && groups.length === 1) {
        for (const p of batch) p.reject(unavailable(error));
      } else {
        for (const group of groups) {
          const groupError = await this.write(lane, group);
          if (groupError) for (const p of group) p.reject(unavailable(groupError));
        }
      }
      this.observe(batch.length, Number(process.hrtime.bigint() - started) / 1e9, error);
    } finally {
      this.inFlight.delete(batch);
      lane.busy = false;
      // Whatever queued meanwhile has already waited a whole round trip.
      if (this.queue.length > 0) this.flush();
    }
  }

  /**
   * One produce request for `records` on `lane`: resolves them once the
   * broker acknowledged, or returns the error (leaving them unsettled) after
   * dropping the lane's session, so the next write starts a fresh one.
   */
  private async write(lane: Lane, records: Pending[]): Promise<Error | undefined> {
    try {
      // A lane that never connected (broker down at start-up) or lost its
      // session reconnects here; failure answers these records with 503.
      if (!lane.connected) await this.connectLane(lane);
      await lane.producer.send({ messages: records.map((p) => this.message(p.record)) });
      for (const p of records) p.resolve();
      return undefined;
    } catch (error) {
      lane.connected = false;
      lane.connecting = undefined;
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  /** The next batch: oldest first, within maxBatch records and maxBatchBytes (at least one record). */
  private take(): Pending[] {
    const maxBytes = this.options.maxBatchBytes ?? 900 * 1024;
    let count = 0;
    let bytes = 0;
    for (const p of this.queue) {
      if (count === this.options.maxBatch || (count > 0 && bytes + p.bytes > maxBytes)) break;
      count += 1;
      bytes += p.bytes;
    }
    this.queuedBytes -= bytes;
    return this.queue.splice(0, count);
  }

  private message(record: OutgoingRecord) {
    const headers = new Map<Buffer, Buffer>();
    for (const name in record.headers) {
      const value: unknown = record.headers[name];
      // Headers read back from JSON (outbox rows) are checked, not trusted: absent ones are left out.
      if (value === undefined || value === null) continue;
      headers.set(this.headerKey(name), Buffer.isBuffer(value) ? value : Buffer.from(String(value)));
    }
    return { topic: this.namespace.physical(record.topic), key: Buffer.from(record.key), value: record.value, headers };
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

/** The caller's error: the client's words, with the broker's reason when it is one a retry cannot fix. */
function unavailable(error: Error): ProducerUnavailableError {
  const permanent = permanentProduceError(error);
  return new ProducerUnavailableError(permanent ? `${error.message} (${permanent})` : error.message, { cause: error });
}

/** A record's size on the wire, near enough: its bytes plus record framing. */
function recordBytes(record: OutgoingRecord): number {
  let bytes = record.value.length + Buffer.byteLength(record.key) + 32;
  for (const name in record.headers) {
    const value: unknown = record.headers[name];
    bytes += name.length + (Buffer.isBuffer(value) ? value.length : Buffer.byteLength(String(value ?? ''))) + 4;
  }
  return bytes;
}

function groupByTopic(batch: Pending[]): Pending[][] {
  const groups = new Map<string, Pending[]>();
  for (const p of batch) {
    const group = groups.get(p.record.topic);
    if (group) group.push(p);
    else groups.set(p.record.topic, [p]);
  }
  return [...groups.values()];
}
