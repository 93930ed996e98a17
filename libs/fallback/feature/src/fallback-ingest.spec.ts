import type { NewEvent } from '@wahooks/event-store';
import { evolve, initialFallbackState } from '@wahooks/fallback-domain';
import type { FallbackEvent, StatusObserved } from '@wahooks/fallback-domain';
import type { SqlTx } from '@wahooks/prisma';
import { checkContentPredicate } from '@wahooks/testing';

import { toNewEvent } from './fallback-events.mapper';
import { FallbackProjection } from './fallback-ingest.service';
import type { FallbackMessageRepository, ProjectedFallback } from './fallback-message.repository';

describe('FallbackProjection.wantsRaw', () => {
  it('keeps every corpus delivery it decodes something from, and skips the rest unparsed', () => {
    const spec = new FallbackProjection(...([{}, {}, {}, {}, {}] as unknown as ConstructorParameters<typeof FallbackProjection>));
    const result = checkContentPredicate(spec);
    expect(result.wrong).toEqual([]);
    expect(result.skipped).toBeGreaterThan(50);
  });
});

describe('FallbackProjection.worthStoring', () => {
  const status = (wamid: string, s: StatusObserved['status'], over: Partial<StatusObserved> = {}): StatusObserved => ({
    type: 'status',
    wamid,
    status: s,
    atMs: 1_000,
    recipientId: '15551234567',
    recipientUserId: null,
    marketing: false,
    errors: [],
    ...over,
  });
  const event = (tenantId: string, e: Parameters<typeof toNewEvent>[1], key: string): NewEvent => toNewEvent(tenantId, e, key);

  /** A message row that already knows the recipient and a delivery; one load per tenant. */
  function projection() {
    const known: FallbackEvent[] = [status('w.1', 'sent'), status('w.1', 'delivered')];
    const loads: Array<[string, string[]]> = [];
    const messages = {
      load: async (_tx: SqlTx, tenantId: string, wamids: string[]) => {
        loads.push([tenantId, [...wamids].sort()]);
        const rows = new Map<string, ProjectedFallback>();
        if (tenantId === 'a' && wamids.includes('w.1')) rows.set('w.1', { tenantId, wamid: 'w.1', state: known.reduce(evolve, initialFallbackState('w.1')), lastPosition: 2n });
        return rows;
      },
    } as unknown as FallbackMessageRepository;
    const spec = new FallbackProjection(...([{}, messages, {}, {}, {}] as unknown as ConstructorParameters<typeof FallbackProjection>));
    return { spec, loads };
  }

  it('keeps the statuses that are news against the row and the chunk before them, and every send and preference', async () => {
    const { spec, loads } = projection();
    const chunk = [
      event('a', status('w.1', 'sent'), 'fb:1'), // the row knows all of it
      event('a', status('w.1', 'delivered'), 'fb:2'), // no better than the row's receipt
      event('a', status('w.1', 'read'), 'fb:3'), // a better receipt
      event('a', status('w.1', 'read'), 'fb:4'), // no better than the one just before it
      event('a', status('w.1', 'sent', { marketing: true }), 'fb:5'), // marketing, first said
      event('a', status('w.2', 'sent'), 'fb:6'), // a message the service has not seen
      event('a', status('w.2', 'sent'), 'fb:7'),
      event('b', status('w.1', 'sent'), 'fb:8'), // another tenant's message of the same id
      event('a', { type: 'suppression', user: '15551234567', change: 'stop', source: 'user_preferences', atMs: 1 }, 'fb:9'),
      event('a', { type: 'accepted', wamid: 'w.3', internalMessageId: 'm', recipient: '15551234567', template: null, atMs: 1 }, 'fb-accepted:w.3:m'),
    ];
    const kept = await spec.worthStoring({} as SqlTx, chunk);
    expect(kept.map((e) => e.idempotencyKey)).toEqual(['fb:3', 'fb:5', 'fb:6', 'fb:8', 'fb:9', 'fb-accepted:w.3:m']);
    expect(loads).toEqual([
      ['a', ['w.1', 'w.2']],
      ['b', ['w.1']],
    ]);
  });

  it('asks nothing of the database for a chunk without statuses', async () => {
    const { spec, loads } = projection();
    const chunk = [event('a', { type: 'accepted', wamid: 'w.1', internalMessageId: 'm', recipient: '15551234567', template: null, atMs: 1 }, 'fb-accepted:w.1:m')];
    expect(await spec.worthStoring({} as SqlTx, chunk)).toEqual(chunk);
    expect(loads).toEqual([]);
  });
});
