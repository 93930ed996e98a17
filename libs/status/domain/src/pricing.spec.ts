import type { MetaStatus, StatusPricing } from './status-event.types';
import { accepted, CBP_SERVICE, meta, PMP_MARKETING, WAMID } from './testing/status-event.builders';
import { given } from './testing/given';

const chain = (pricingOn: Partial<Record<MetaStatus, StatusPricing>>) => [
  meta('sent', 1, { pricing: pricingOn.sent }),
  meta('delivered', 2, { pricing: pricingOn.delivered }),
  meta('read', 3, { pricing: pricingOn.read }),
];

describe('pricing', () => {
  it.each(['sent', 'delivered', 'read'] as const)(
    'given PMP pricing only on %s (v24+: one webhook carries it), then it is kept with its source',
    (status) => {
      given(accepted())
        .when(...chain({ [status]: PMP_MARKETING }))
        .then((state) => expect(state.pricing).toEqual({ ...PMP_MARKETING, eventId: `${status}:${WAMID}`, status }));
    },
  );

  it('given CBP pricing repeated on sent and delivered, then the furthest status is the source', () => {
    given(accepted())
      .when(...chain({ sent: CBP_SERVICE, delivered: CBP_SERVICE }))
      .then((state) => expect(state.pricing).toEqual({ ...CBP_SERVICE, eventId: `delivered:${WAMID}`, status: 'delivered' }));
  });

  it('given different pricing on sent and read, then read, the latest word on the charge, wins in any order', () => {
    const free = { billable: false, pricingModel: 'PMP', type: 'free_customer_service', category: 'service' };
    const [sent, delivered, read] = chain({ sent: PMP_MARKETING, read: free });
    given(read!, accepted())
      .when(delivered!, sent!)
      .then((state) => expect(state.pricing).toEqual({ ...free, eventId: `read:${WAMID}`, status: 'read' }));
  });

  it('given two events of one status with pricing (group participants), then the earlier one is the source', () => {
    given(meta('read', 5, { eventId: 'read:p2', pricing: CBP_SERVICE }))
      .when(meta('read', 4, { eventId: 'read:p1', pricing: PMP_MARKETING }))
      .then((state) => expect(state.pricing).toMatchObject({ eventId: 'read:p1', pricingModel: 'PMP' }));
  });

  it('given no status with pricing, then there is none', () => {
    given(accepted())
      .when(...chain({}))
      .then((state) => expect(state.pricing).toBeUndefined());
  });
});
