import type { RecordedEvent } from '@wahooks/event-store';
import { normalizeEnvelope } from '@wahooks/meta-contract';

import { fromRecorded, isMonitorEvent, jsonSafe, streamOf, toNewEvent, toStored } from './monitor-events.mapper';

/** Meta's reference examples, as quoted in libs/shared/meta-contract/src/integrations.spec.ts. */
const PAYMENT = {
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '102290129340398',
      time: 1739321024,
      changes: [
        {
          field: 'payment_configuration_update',
          value: {
            configuration_name: 'razorpay-prod',
            provider_name: 'razorpay',
            provider_mid: 'acc_GP4lfNA0iIMn5B',
            status: 'Needs Testing',
            created_timestamp: 1748827100,
            updated_timestamp: 1749320300,
          },
        },
      ],
    },
  ],
};
const PARTNER = {
  object: 'whatsapp_business_account',
  entry: [{ changes: [{ field: 'partner_solutions', value: { event: 'SOLUTION_CREATED', solution_id: '774485461512159', solution_status: 'INITIATED' } }], id: '506914307656634', time: 1739321024 }],
};
const FLOW = {
  object: 'whatsapp_business_account',
  entry: [{ id: '102290129340398', time: 1739321024, changes: [{ field: 'flows', value: { event: 'FLOW_STATUS_CHANGE', flow_id: '1097420589034000', old_status: 'DRAFT', new_status: 'PUBLISHED' } }] }],
};

const only = (body: object) => {
  const [event, ...rest] = normalizeEnvelope(body as Parameters<typeof normalizeEnvelope>[0]);
  expect(rest).toEqual([]);
  return event!;
};

describe('monitor facts from the integration fields', () => {
  it('keeps a payment configuration update on the account of its WABA', () => {
    expect(toStored(only(PAYMENT))).toEqual({
      subject: { entity: 'account', wabaId: '102290129340398' },
      event: {
        type: 'payment.configuration',
        atMs: 1_739_321_024_000,
        configurationName: 'razorpay-prod',
        providerName: 'razorpay',
        providerMid: 'acc_GP4lfNA0iIMn5B',
        status: 'Needs Testing',
        createdAt: 1748827100,
        updatedAt: 1749320300,
      },
    });
  });

  it('keeps a partner solution on the account registered under the business portfolio id Meta sends', () => {
    const stored = toStored(only(PARTNER));
    expect(stored).toEqual({
      subject: { entity: 'account', wabaId: '506914307656634' },
      event: { type: 'partner.solution', atMs: 1_739_321_024_000, solutionId: '774485461512159', event: 'SOLUTION_CREATED', status: 'INITIATED' },
    });
    expect(streamOf(stored!.subject)).toBe('account:506914307656634');
  });

  it('stores them under our key namespace and reads them back as the same fact', () => {
    const event = only(PAYMENT);
    const stored = toNewEvent('t1', event, {})!;
    expect(stored).toMatchObject({ streamId: 'account:102290129340398', type: 'payment.configuration', idempotencyKey: `template-monitor:${event.idempotencyKey}` });
    const recorded: RecordedEvent = { ...stored, data: jsonSafe(stored.data), metadata: {}, globalPosition: 1n, streamPosition: 1, recordedAt: new Date() };
    expect(isMonitorEvent(recorded)).toBe(true);
    expect(fromRecorded(recorded).event).toEqual({ ...jsonSafe(toStored(event)!.event), eventId: stored.idempotencyKey });
  });

  it('ignores Flows on purpose (docs/architecture.md: kept on the raw topic, no projection)', () => {
    expect(toStored(only(FLOW))).toBeUndefined();
  });
});
