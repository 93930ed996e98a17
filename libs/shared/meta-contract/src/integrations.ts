import { ChangeScope, managementBaseOf, unknownEvent } from './event-base';
import { epochSeconds, idText, JsonRecord, nonEmpty, numberish, text } from './json';
import type { FlowUpdateEvent, PartnerSolutionEvent, PaymentConfigurationEvent } from './management-events.types';
import type { UnknownEvent } from './meta-event.types';

/**
 * Fields about what is plugged into the account: Multi-Partner Solutions,
 * payment gateways and Flows. One event per change, keyed like every
 * management kind (field, canonical value, `entry.time`). Each needs its
 * identifying member; a value without it is `unrecognised_shape`.
 */

/**
 * `partner_solutions`.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/partner_solutions
 */
export function partnerSolution(scope: ChangeScope, value: JsonRecord): PartnerSolutionEvent | UnknownEvent {
  const solutionId = idText(value['solution_id']);
  if (solutionId === undefined) {
    return unknownEvent(scope, 'unrecognised_shape', value, { detail: 'partner_solutions without solution_id' });
  }
  return {
    kind: 'partner.solution',
    ...managementBaseOf(scope, value),
    event: nonEmpty(value['event']),
    solutionId,
    solutionStatus: nonEmpty(value['solution_status']),
  };
}

/**
 * `payment_configuration_update`.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/payment_configuration_update
 */
export function paymentConfiguration(
  scope: ChangeScope,
  value: JsonRecord,
): PaymentConfigurationEvent | UnknownEvent {
  const configurationName = nonEmpty(value['configuration_name']);
  if (configurationName === undefined) {
    const detail = 'payment_configuration_update without configuration_name';
    return unknownEvent(scope, 'unrecognised_shape', value, { detail });
  }
  return {
    kind: 'payment.configuration',
    ...managementBaseOf(scope, value),
    configurationName,
    providerName: nonEmpty(value['provider_name']),
    providerMid: idText(value['provider_mid']),
    status: text(value['status']),
    createdAt: epochSeconds(value['created_timestamp']),
    updatedAt: epochSeconds(value['updated_timestamp']),
  };
}

/**
 * `flows`: status changes and endpoint alerts share one flat value, told apart by `event`.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/flows/guides/flowswebhooks
 */
export function flowUpdate(scope: ChangeScope, value: JsonRecord): FlowUpdateEvent | UnknownEvent {
  const event = nonEmpty(value['event']);
  if (event === undefined) return unknownEvent(scope, 'unrecognised_shape', value, { detail: 'flows without event' });
  return {
    kind: 'flow.update',
    ...managementBaseOf(scope, value),
    event,
    flowId: idText(value['flow_id']),
    message: text(value['message']),
    oldStatus: nonEmpty(value['old_status']),
    newStatus: nonEmpty(value['new_status']),
    alertState: nonEmpty(value['alert_state']),
    threshold: numberish(value['threshold']),
    errorRate: numberish(value['error_rate']),
    p50Latency: numberish(value['p50_latency']),
    p90Latency: numberish(value['p90_latency']),
    requestsCount: numberish(value['requests_count']),
    availability: numberish(value['availability']),
  };
}
