import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from 'pino';

import type { TopicSpec } from '@wahooks/events-contract';

import { TopicNamespace } from './topic-namespace';

/** Topic housekeeping a process does for itself: its dead-letter and retry topics, end offsets for bounded reads. */
export class KafkaTopicAdmin {
  private admin: Admin | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly namespace: TopicNamespace,
    private readonly log: Logger,
  ) {}

  /**
   * Creates the topics of `specs` that do not exist yet (logical names).
   * Where the principal may not create topics, the error names the missing
   * ones: the topics job (kafka-admin create-topics) creates them instead.
   */
  async ensure(specs: readonly TopicSpec[], replicationFactor?: number): Promise<string[]> {
    const admin = await this.connect();
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(this.namespace.physical(s.name)));
    if (missing.length === 0) return [];
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: this.namespace.physical(s.name),
          numPartitions: s.partitions,
          ...(replicationFactor ? { replicationFactor } : {}),
          configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    } catch (error) {
      // Created, but the wait for leaders gave up early (a loaded broker answers "This server does
      // not host this topic-partition" for a while), or another replica created them first: fine
      // once every one is listed and has leaders.
      if (await this.settled(missing.map((s) => this.namespace.physical(s.name)))) {
        this.log.info({ topics: missing.map((s) => this.namespace.physical(s.name)) }, 'topics exist now (created here or by another process)');
        return missing.map((s) => this.namespace.physical(s.name));
      }
      const names = missing.map((s) => this.namespace.physical(s.name)).join(', ');
      throw new Error(`topics ${names} are missing and could not be created (${error instanceof Error ? error.message : String(error)}); create them with kafka-admin create-topics`, { cause: error });
    }
    const created = missing.map((s) => this.namespace.physical(s.name));
    this.log.info({ topics: created }, 'created topics');
    return created;
  }

  /** Whether every topic of `names` is listed with a leader on each partition, within about 10 s. */
  private async settled(names: string[]): Promise<boolean> {
    const admin = await this.connect();
    for (let i = 0; i < 20; i++) {
      try {
        const listed = new Set(await admin.listTopics());
        if (names.every((n) => listed.has(n))) {
          const { topics } = await admin.fetchTopicMetadata({ topics: names });
          if (topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return true;
        }
      } catch {
        // not yet
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    return false;
  }

  /** The next offset to be written on each partition of a topic, now. */
  async endOffsets(topic: string): Promise<Map<number, bigint>> {
    const admin = await this.connect();
    const offsets = await admin.fetchTopicOffsets(this.namespace.physical(topic));
    return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  }

  /** The group's committed position on each partition of a topic (-1n: none). */
  async committedOffsets(groupId: string, topic: string): Promise<Map<number, bigint>> {
    const admin = await this.connect();
    const [found] = await admin.fetchOffsets({ groupId, topics: [this.namespace.physical(topic)] });
    return new Map((found?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  }

  async close(): Promise<void> {
    await this.admin?.disconnect();
    this.admin = undefined;
  }

  private async connect(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }
}
