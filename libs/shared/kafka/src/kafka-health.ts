import { Admin, Kafka } from 'kafkajs';

/**
 * Readiness probe for the broker: a metadata round trip through a long-lived
 * admin client (connecting per probe would flood the broker with sessions).
 */
export class KafkaHealthProbe {
  private admin: Admin | undefined;

  constructor(private readonly kafka: Kafka) {}

  async check(): Promise<{ brokers: number }> {
    if (!this.admin) {
      this.admin = this.kafka.admin();
      await this.admin.connect();
    }
    try {
      const cluster = await this.admin.describeCluster();
      return { brokers: cluster.brokers.length };
    } catch (error) {
      const admin = this.admin;
      this.admin = undefined;
      await admin.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.admin?.disconnect();
    this.admin = undefined;
  }
}
