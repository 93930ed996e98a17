import { planAppend } from './append-plan';
import { EventStoreError } from './event-store.errors';
import { NewEvent } from './event.types';

const e = (streamId: string, idempotencyKey: string, tenantId = 't1', data: unknown = {}): NewEvent => ({
  tenantId,
  streamId,
  type: 'x',
  schemaVersion: 1,
  data,
  idempotencyKey,
});

describe('planAppend', () => {
  it('keeps the first occurrence of each (tenant, key) and points repeats at it', () => {
    const plan = planAppend([e('a', 'k1'), e('b', 'k2'), e('a', 'k1'), e('a', 'k1', 't2'), e('b', 'k2')]);
    expect(plan.firstSeen).toEqual([0, 1, 3]);
    expect([...plan.repeats]).toEqual([
      [2, 0],
      [4, 1],
    ]);
    expect(plan.rows.idempotencyKeys).toEqual(['k1', 'k2', 'k1']);
    expect(plan.rows.tenantIds).toEqual(['t1', 't1', 't2']);
  });

  it('lists each stream once', () => {
    const plan = planAppend([e('a', 'k1'), e('a', 'k2'), e('b', 'k3'), e('a', 'k4', 't2')]);
    expect(plan.streams).toEqual({ tenantIds: ['t1', 't1', 't2'], streamIds: ['a', 'b', 'a'] });
  });

  it('serializes data and metadata once, defaulting metadata to {}', () => {
    const plan = planAppend([{ ...e('a', 'k1', 't1', { n: 1 }), metadata: { wamid: 'w' } }, e('a', 'k2')]);
    expect(plan.rows.data).toEqual(['{"n":1}', '{}']);
    expect(plan.rows.metadata).toEqual(['{"wamid":"w"}', '{}']);
  });

  it.each<[string, NewEvent]>([
    ['an empty tenant', e('a', 'k', '')],
    ['an empty stream', e('', 'k')],
    ['an empty key', e('a', '')],
    ['a NUL in a key', e('a', 'k\u0000')],
    ['a schema version of 0', { ...e('a', 'k'), schemaVersion: 0 }],
    ['data that is not JSON', { ...e('a', 'k'), data: undefined }],
    ['data with a cycle', e('a', 'k', 't1', (() => { const o: Record<string, unknown> = {}; o['self'] = o; return o; })())],
  ])('refuses %s with INVALID_EVENT naming the event', (_, bad) => {
    const attempt = () => planAppend([e('a', 'ok'), bad]);
    expect(attempt).toThrow(EventStoreError);
    expect(attempt).toThrow(/^event 1: /);
  });

  it('keeps text jsonb cannot store, replaced by U+FFFD, and says where in the metadata', () => {
    const plan = planAppend([{ ...e('a', 'k', 't1', { text: 'a\u0000b', name: 'x\ud800' }), metadata: { wamid: 'w' } }]);
    expect(JSON.parse(plan.rows.data[0]!)).toEqual({ text: 'a\uFFFDb', name: 'x\uFFFD' });
    expect(JSON.parse(plan.rows.metadata[0]!)).toEqual({ wamid: 'w', repairedText: ['text', 'name'] });
  });

  it('accepts a backslash followed by "u0000" as plain text', () => {
    expect(planAppend([e('a', 'k', 't1', { text: '\\u0000' })]).rows.data).toEqual(['{"text":"\\\\u0000"}']);
  });

  it('accepts expectations only for streams in the batch', () => {
    const plan = planAppend([e('a', 'k1')], { expectedStreamPositions: [{ tenantId: 't1', streamId: 'a', position: 3 }] });
    expect(plan.expected).toEqual({ tenantIds: ['t1'], streamIds: ['a'], positions: [3] });
    const expecting = (streamId: string, position: number) => () =>
      planAppend([e('a', 'k1')], { expectedStreamPositions: [{ tenantId: 't1', streamId, position }] });
    expect(expecting('b', 0)).toThrow(/does not append to/);
    expect(expecting('a', -1)).toThrow(/>= 0/);
  });
});
