/** Injection tokens every consumer service shares (see consumerServiceModule). */
export const KAFKA = Symbol('KAFKA');
export const CONSUMER_HEALTH = Symbol('CONSUMER_HEALTH');
/** The producer the outbox relay publishes with. */
export const OUTBOX_PRODUCER = Symbol('OUTBOX_PRODUCER');
export const SERVICE_SPEC = Symbol('SERVICE_SPEC');
