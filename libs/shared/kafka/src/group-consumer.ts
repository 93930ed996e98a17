import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';

import { RecordBatch, toConsumedRecord } from './records';
import { TopicNamespace } from './topic-namespace';

export interface GroupConsumerOptions {
  groupId: string;
  /** Logical topic names. */
  topics: string[];
  /**
   * How long the group waits for a silent member before handing its
   * partitions to another: what a SIGKILLed consumer costs. 6 s (the
   * broker's default minimum) lets a replacement resume within ~10 s.
   */
  sessionTimeoutMs: number;
  /** Heartbeats go out this often, during long batches too. */
  heartbeatIntervalMs: number;
  partitionsConsumedConcurrently: number;
  /** Where a new group starts: the whole topic, or only what arrives from now on. */
  fromBeginning: boolean;
  /** Longest a fetch waits for records (bounds shutdown and lag). */
  maxWaitMs?: number;
  /** Told after each successful offset commit (the next offset to read). */
  onCommitted?: (partition: number, nextOffset: bigint) => void;
}

/** What a batch handler can ask of the consumer while it works. */
export interface BatchControl {
  /** Keeps the membership alive; never throws (a rebalance is noted and makes `alive()` false). */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or the partition may have moved: stop, do not commit. */
  alive(): boolean;
}

/**
 * `commit`: every record is settled (handled or dead-lettered). `abandon`:
 * leave the offsets; the batch replays. `{ through }`: the records up to and
 * including that offset are settled, the rest are not (a bounded read ended).
 */
export type BatchOutcome = 'commit' | 'abandon' | { through: string };
export type BatchHandler = (batch: RecordBatch & { lag: number }, control: BatchControl) => Promise<BatchOutcome>;

export type GroupState = 'joined' | 'crashed' | 'restarting';

/**
 * A consumer group member that hands whole partition batches to one
 * handler and commits a batch's offsets only when the handler says every
 * record of it is settled. Heartbeats continue while the handler works
 * (kafkajs sends them only when asked), so a long batch is never mistaken
 * for a dead member.
 */
export class GroupConsumer {
  private consumer: Consumer | undefined;
  private stopping = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly namespace: TopicNamespace,
    private readonly options: GroupConsumerOptions,
    private readonly log: Logger,
    private readonly onState: (state: GroupState, error?: unknown) => void = () => undefined,
  ) {}

  async start(handler: BatchHandler): Promise<void> {
    const o = this.options;
    this.consumer = this.kafka.consumer({
      groupId: o.groupId,
      sessionTimeout: o.sessionTimeoutMs,
      // A member that is still working rejoins when its batch returns; chunked handlers return within seconds.
      rebalanceTimeout: Math.max(30_000, o.sessionTimeoutMs * 5),
      heartbeatInterval: o.heartbeatIntervalMs,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: o.maxWaitMs ?? 250,
    });
    const c = this.consumer;
    c.on(c.events.CRASH, ({ payload }) => this.onState(payload.restart ? 'restarting' : 'crashed', payload.error));
    // Ready once the group has assigned partitions, not merely once run() returned.
    c.on(c.events.GROUP_JOIN, () => this.onState('joined'));
    await c.connect();
    await c.subscribe({ topics: o.topics.map((t) => this.namespace.physical(t)), fromBeginning: o.fromBeginning });
    await c.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: o.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.onBatch(payload, handler),
    });
  }

  /** Leaves the group after the batches in flight returned. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect();
  }

  private async onBatch(payload: EachBatchPayload, handler: BatchHandler): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, resolveOffset } = payload;
    if (batch.messages.length === 0) return;
    let rebalancing = false;
    const beat = async (): Promise<void> => {
      try {
        await heartbeat();
      } catch (error) {
        // REBALANCE_IN_PROGRESS, UNKNOWN_MEMBER_ID…: the partition may be someone else's now.
        rebalancing = true;
        this.log.warn({ err: error, topic: batch.topic, partition: batch.partition }, 'heartbeat refused during a batch; leaving it to be replayed');
      }
    };
    const control: BatchControl = { heartbeat: beat, alive: () => !this.stopping && !rebalancing && isRunning() && !isStale() };
    const timer = setInterval(() => void beat(), this.options.heartbeatIntervalMs);
    let outcome: BatchOutcome;
    try {
      const topic = this.namespace.logical(batch.topic);
      const records = batch.messages.map((m) => toConsumedRecord(topic, batch.partition, m));
      outcome = await handler({ topic, partition: batch.partition, records, lag: Number(batch.offsetLag()) }, control);
    } finally {
      clearInterval(timer);
    }
    // Settled work is committed during a graceful stop too; only a lost partition forbids it.
    if (outcome === 'abandon' || rebalancing || isStale()) return;
    const through = outcome === 'commit' ? batch.lastOffset() : outcome.through;
    // Resolving moves kafkajs's fetch position; committing records it in the group.
    resolveOffset(through);
    const next = (BigInt(through) + 1n).toString();
    try {
      await this.consumer?.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
      this.options.onCommitted?.(batch.partition, BigInt(next));
    } catch (error) {
      // The group moved on (rebalance): the batch replays on the partition's next owner, and changes nothing there.
      this.log.warn({ err: error, topic: batch.topic, partition: batch.partition, offset: next }, 'offset commit refused; the batch will replay');
    }
  }
}
