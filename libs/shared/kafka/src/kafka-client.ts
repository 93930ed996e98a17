import { Kafka, KafkaConfig, logLevel, LogEntry } from 'kafkajs';
import type { Logger } from 'pino';

import { BatchingProducer, BatchingProducerOptions, FlushObserver } from './batching-producer';
import { GroupConsumer, GroupConsumerOptions, GroupState } from './group-consumer';
import { innermostMessage, kafkajsSecurity, KafkaSecurity, KafkaSecurityError, PLAINTEXT, securityRefusal } from './kafka-security';
import { KafkaTopicAdmin } from './topic-admin';
import { TopicNamespace } from './topic-namespace';

/** Where and how every Kafka client of a process connects: one section of the config. */
export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** Namespace of every topic this process reads and writes (see TopicNamespace). */
  topicPrefix: string;
  /** TLS and SASL (default: PLAINTEXT). */
  security?: KafkaSecurity;
}

export interface KafkaClientOptions {
  settings: KafkaSettings;
  /** Appended to the settings' client id (`wahooks-status-projector`…). */
  clientIdSuffix?: string;
  logger: Logger;
  /** Connection and request timeouts; short so readiness and 503s stay bounded. */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** kafkajs's own retries of a request (default: its default). */
  retry?: KafkaConfig['retry'];
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * The kafkajs client behind the group consumers, the admin calls and the
 * health probe. It is constructed here and used only inside this lib: the
 * rest of the code sees GroupConsumer, BatchingProducer (on
 * @platformatic/kafka) and KafkaTopicAdmin, and lint
 * forbids importing either client package anywhere else.
 */
export function createKafka(options: KafkaClientOptions): Kafka {
  const log = options.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: options.clientIdSuffix ? `${options.settings.clientId}-${options.clientIdSuffix}` : options.settings.clientId,
    brokers: options.settings.brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 10000,
    ...(options.retry ? { retry: options.retry } : {}),
    ...kafkajsSecurity(options.settings.security ?? PLAINTEXT),
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        log[LEVELS[level] ?? 'info']({ ...rest, kafkaTimestamp: undefined }, message);
      },
  });
}

export function topicNamespace(settings: KafkaSettings): TopicNamespace {
  return new TopicNamespace(settings.topicPrefix);
}

/**
 * Every Kafka client of one process, built from one settings section: the
 * group consumers, the producers, topic housekeeping and the health probe
 * all connect the same way and see the same topic namespace.
 */
export class KafkaClients {
  readonly namespace: TopicNamespace;
  private readonly kafka: Kafka;

  constructor(
    readonly settings: KafkaSettings,
    private readonly logger: Logger,
    private readonly clientIdSuffix?: string,
  ) {
    this.namespace = topicNamespace(settings);
    this.kafka = createKafka({ settings, logger, ...(clientIdSuffix ? { clientIdSuffix } : {}) });
  }

  consumer(options: GroupConsumerOptions, onState?: (state: GroupState, error?: unknown) => void): GroupConsumer {
    return new GroupConsumer(this.kafka, this.namespace, options, this.logger.child({ component: 'consumer', group: options.groupId }), onState);
  }

  /** An idempotent producer (acks all); `role` names it in the client id (`outbox`, `dlq`…). */
  producer(role: string, options: BatchingProducerOptions, observe?: FlushObserver): BatchingProducer {
    const clientId = [this.settings.clientId, this.clientIdSuffix, role].filter(Boolean).join('-');
    return new BatchingProducer({ brokers: this.settings.brokers, clientId, namespace: this.namespace, security: this.settings.security ?? PLAINTEXT }, options, observe);
  }

  /**
   * At start-up, before anything else talks to Kafka: one connection and a
   * metadata round trip, no retries. A login the broker refuses or a
   * certificate that is not trusted cannot get better by waiting, so it
   * throws KafkaSecurityError with the broker's (or TLS's) own words and the
   * process stops, visibly, instead of retrying for ever behind a readiness
   * probe. An unreachable broker is not fatal: it answers `unreachable` and
   * the process starts (the intake answers 503, readiness says why).
   */
  async preflight(timeoutMs = 10_000): Promise<'ok' | 'unreachable'> {
    const kafka = createKafka({
      settings: this.settings,
      logger: this.logger.child({ component: 'kafka-preflight' }),
      clientIdSuffix: [this.clientIdSuffix, 'preflight'].filter(Boolean).join('-'),
      connectionTimeoutMs: Math.min(timeoutMs, 10_000),
      requestTimeoutMs: timeoutMs,
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.describeCluster();
      return 'ok';
    } catch (error) {
      const refusal = securityRefusal(error);
      const security = this.settings.security ?? PLAINTEXT;
      const who = security.sasl ? ` as ${security.sasl.username ?? '(token)'} with ${security.sasl.mechanism}` : '';
      if (refusal === 'authentication') {
        throw new KafkaSecurityError(`Kafka refused the login${who} over ${security.protocol} at ${this.settings.brokers.join(',')}: ${innermostMessage(error)} (check KAFKA_SASL_*)`, { cause: error });
      }
      if (refusal === 'tls') {
        throw new KafkaSecurityError(`Kafka's TLS certificate at ${this.settings.brokers.join(',')} is not trusted, or ours was refused: ${innermostMessage(error)} (check KAFKA_TLS_*)`, { cause: error });
      }
      this.logger.warn({ err: innermostMessage(error), brokers: this.settings.brokers }, 'Kafka unreachable at start-up; starting anyway (readiness will tell)');
      return 'unreachable';
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  topicAdmin(): KafkaTopicAdmin {
    return new KafkaTopicAdmin(this.kafka, this.namespace, this.logger.child({ component: 'kafka-admin' }));
  }
}
