import { normalizeEnvelope } from './normalize';
import { changeOf, entryOf, envelopeOf, normalizeChange, normalizeJson, only, WABA_ID } from './testing/envelope-builders';

const TIME = 1739321024;

describe('partner.solution', () => {
  // Meta's example:
  // https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/partner_solutions
  // (entry.id is a business portfolio id here, not a WABA id).
  const metaExample = {
    entry: [
      {
        changes: [
          {
            field: 'partner_solutions',
            value: { event: 'SOLUTION_CREATED', solution_id: '774485461512159', solution_status: 'INITIATED' },
          },
        ],
        id: '506914307656634',
        time: 1739321024,
      },
    ],
    object: 'whatsapp_business_account',
  };

  it('reads Meta’s example, routed by the portfolio id in entry.id', () => {
    expect(only(normalizeJson(metaExample), 'partner.solution')).toMatchObject({
      field: 'partner_solutions',
      wabaId: '506914307656634',
      phoneNumberId: undefined,
      itemIndex: undefined,
      entryTime: 1739321024,
      event: 'SOLUTION_CREATED',
      solutionId: '774485461512159',
      solutionStatus: 'INITIATED',
      raw: metaExample.entry[0]?.changes[0]?.value,
    });
  });

  it('accepts a numeric solution id and keeps unknown members in raw', () => {
    const value = { event: 'SOLUTION_UPDATED', solution_id: 774485461512159, solution_status: 'ACTIVE', extra: 'x' };
    const event = only(normalizeChange('partner_solutions', value), 'partner.solution');
    expect(event).toMatchObject({ solutionId: '774485461512159', solutionStatus: 'ACTIVE', raw: value });
  });

  it.each([
    ['no solution_id', { event: 'SOLUTION_CREATED', solution_status: 'DRAFT' }],
    ['a solution_id of the wrong type', { event: 'SOLUTION_CREATED', solution_id: { id: 1 } }],
    ['an empty value', {}],
  ])('turns a value with %s into unrecognised_shape', (_, value) => {
    expect(normalizeChange('partner_solutions', value)).toMatchObject([
      { kind: 'unknown', reason: 'unrecognised_shape', field: 'partner_solutions', raw: value },
    ]);
  });

  it('keys a status change apart from the creation of the same solution', () => {
    const key = (value: Record<string, unknown>) =>
      normalizeChange('partner_solutions', value, { time: TIME })[0]?.idempotencyKey;
    const created = key({ event: 'SOLUTION_CREATED', solution_id: '1', solution_status: 'INITIATED' });
    expect(key({ solution_status: 'INITIATED', solution_id: '1', event: 'SOLUTION_CREATED' })).toBe(created);
    expect(key({ event: 'SOLUTION_UPDATED', solution_id: '1', solution_status: 'ACTIVE' })).not.toBe(created);
  });
});

describe('payment.configuration', () => {
  // Meta's example:
  // https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/payment_configuration_update
  const metaExample = {
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
    object: 'whatsapp_business_account',
  };

  it('reads Meta’s example', () => {
    expect(only(normalizeJson(metaExample), 'payment.configuration')).toMatchObject({
      wabaId: '102290129340398',
      entryTime: 1739321024,
      configurationName: 'razorpay-prod',
      providerName: 'razorpay',
      providerMid: 'acc_GP4lfNA0iIMn5B',
      status: 'Needs Testing',
      createdAt: 1748827100,
      updatedAt: 1749320300,
    });
  });

  it('keeps the status verbatim in either of Meta’s spellings, and string timestamps', () => {
    const event = only(
      normalizeChange('payment_configuration_update', {
        configuration_name: 'payu-test',
        status: 'Needs_Connecting',
        created_timestamp: '1748827100',
        updated_timestamp: 'yesterday',
      }),
      'payment.configuration',
    );
    expect(event).toMatchObject({
      status: 'Needs_Connecting',
      providerName: undefined,
      providerMid: undefined,
      createdAt: 1748827100,
      updatedAt: undefined,
    });
  });

  it.each([
    ['no configuration_name', { provider_name: 'razorpay', status: 'Active' }],
    ['a configuration_name of the wrong type', { configuration_name: 7, status: 'Active' }],
  ])('turns a value with %s into unrecognised_shape', (_, value) => {
    expect(normalizeChange('payment_configuration_update', value)).toMatchObject([
      { kind: 'unknown', reason: 'unrecognised_shape', raw: value },
    ]);
  });

  it('keys the same configuration at another update apart', () => {
    const key = (updated: number) => {
      const value = { configuration_name: 'c', status: 'Active', updated_timestamp: updated };
      return normalizeChange('payment_configuration_update', value, { time: TIME })[0]?.idempotencyKey;
    };
    expect(key(1)).toBe(key(1));
    expect(key(1)).not.toBe(key(2));
  });
});

describe('flow.update', () => {
  // Shapes from Meta's Flows webhooks guide,
  // https://developers.facebook.com/documentation/business-messaging/whatsapp/flows/guides/flowswebhooks
  it('reads a status change', () => {
    const event = only(
      normalizeChange(
        'flows',
        {
          event: 'FLOW_STATUS_CHANGE',
          message: 'Flow Webhook 1 changed status from DRAFT to PUBLISHED',
          flow_id: '1097420589034000',
          old_status: 'DRAFT',
          new_status: 'PUBLISHED',
        },
        { time: TIME },
      ),
      'flow.update',
    );
    expect(event).toMatchObject({
      wabaId: WABA_ID,
      event: 'FLOW_STATUS_CHANGE',
      flowId: '1097420589034000',
      oldStatus: 'DRAFT',
      newStatus: 'PUBLISHED',
      alertState: undefined,
      threshold: undefined,
    });
  });

  it('reads an endpoint alert with its metrics', () => {
    const event = only(
      normalizeChange('flows', {
        event: 'ENDPOINT_LATENCY',
        message: 'Endpoint latency for Flow Webhook 1 exceeded the threshold',
        flow_id: '1097420589034000',
        p50_latency: 200,
        p90_latency: 500,
        requests_count: 1000,
        threshold: 300,
        alert_state: 'ACTIVATED',
      }),
      'flow.update',
    );
    expect(event).toMatchObject({
      p50Latency: 200,
      p90Latency: 500,
      requestsCount: 1000,
      threshold: 300,
      alertState: 'ACTIVATED',
    });
  });

  it('turns a value without an event into unrecognised_shape', () => {
    expect(normalizeChange('flows', { flow_id: '1', old_status: 'DRAFT' })).toMatchObject([
      { kind: 'unknown', reason: 'unrecognised_shape', field: 'flows' },
    ]);
  });
});

it('keys management kinds independently of their place in the delivery', () => {
  const value = { event: 'SOLUTION_CREATED', solution_id: '9', solution_status: 'DRAFT' };
  const change = changeOf('partner_solutions', value);
  const alone = normalizeEnvelope(envelopeOf([entryOf([change], { time: TIME })]));
  const behind = normalizeEnvelope(
    envelopeOf([
      entryOf([changeOf('flows', { event: 'FLOW_STATUS_CHANGE' })], { time: TIME }),
      entryOf([changeOf('flows', { event: 'FLOW_STATUS_CHANGE' }), change], { time: TIME }),
    ]),
  );
  expect(only(behind, 'partner.solution').idempotencyKey).toBe(only(alone, 'partner.solution').idempotencyKey);
});
