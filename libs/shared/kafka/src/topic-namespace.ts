/**
 * Topic names in code are logical (`whatsapp.webhooks.raw.v1`); on the
 * broker each is prefixed with the deployment's namespace
 * (`KAFKA_TOPIC_PREFIX`), so several deployments (a developer's `npm start`,
 * the test suite, the bench, an environment on a shared cluster) use one
 * broker without reading each other's records, and ACLs can be granted per
 * prefix. The prefix is applied here, in the Kafka lib, and nowhere else.
 */
export class TopicNamespace {
  constructor(readonly prefix = '') {
    if (!/^[a-zA-Z0-9._-]*$/.test(prefix)) throw new Error(`topic prefix "${prefix}" may only hold letters, digits, '.', '_' and '-'`);
  }

  /** The broker's name for a logical topic. */
  physical(logical: string): string {
    return this.prefix + logical;
  }

  /** The logical name of a broker topic of this namespace. */
  logical(physical: string): string {
    if (!physical.startsWith(this.prefix)) throw new Error(`topic ${physical} is outside the namespace "${this.prefix}"`);
    return physical.slice(this.prefix.length);
  }
}
