import { IntakeOutcome } from './intake.types';

const UNAVAILABLE_CODES: Record<Extract<IntakeOutcome, { kind: 'unavailable' }>['reason'], string> = {
  timeout: 'BROKER_UNAVAILABLE',
  overloaded: 'BROKER_UNAVAILABLE',
  broker: 'BROKER_UNAVAILABLE',
  secrets: 'SECRETS_UNAVAILABLE',
  memory: 'OVERLOADED',
};

/** The HTTP answer to an outcome, shared by the Fastify routes and the node:http fast path. */
export function outcomeResponse(outcome: IntakeOutcome): { status: number; headers: Record<string, string>; body: object } {
  switch (outcome.kind) {
    case 'accepted':
      return { status: 200, headers: {}, body: { status: 'accepted', deliveryId: outcome.deliveryId } };
    case 'bad-signature':
      return { status: 401, headers: {}, body: { code: 'INVALID_SIGNATURE', message: 'X-Hub-Signature-256 does not match the body' } };
    case 'unknown-tenant':
      return { status: 404, headers: {}, body: { code: 'UNKNOWN_TENANT', message: 'no tenant owns this delivery' } };
    case 'malformed':
      return { status: 400, headers: {}, body: { code: 'MALFORMED_BODY', message: outcome.message } };
    case 'unavailable':
      return {
        status: 503,
        headers: { 'retry-after': '5' },
        body: { code: UNAVAILABLE_CODES[outcome.reason], message: 'not persisted; retry', reason: outcome.reason },
      };
  }
}
