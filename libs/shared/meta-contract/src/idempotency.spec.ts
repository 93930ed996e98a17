import { canonicalJson, idempotencyKey } from './idempotency';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('matches JSON.stringify for scalars, and writes null for what JSON cannot hold', () => {
    expect(canonicalJson(['x"\u2028', 1.5, -0, true, null, undefined, Number.NaN, Infinity])).toBe(
      '["x\\"\u2028",1.5,0,true,null,null,null,null]',
    );
  });

  it('does not overflow the stack on deep nesting', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(canonicalJson(deep)).toHaveLength(100_000 * 2 + '"leaf"'.length);
  });

  it('keeps an own __proto__ member as data', () => {
    expect(canonicalJson(JSON.parse('{"__proto__":{"x":1},"a":2}'))).toBe('{"__proto__":{"x":1},"a":2}');
  });
});

describe('idempotencyKey', () => {
  it('is 64 lowercase hex chars and depends on meaning, not key order', () => {
    const key = idempotencyKey(['management', 'waba', { a: 1, b: [1, 2] }]);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(idempotencyKey(['management', 'waba', { b: [1, 2], a: 1 }])).toBe(key);
  });

  it('separates parts that would collide if concatenated', () => {
    expect(idempotencyKey(['ab', 'c'])).not.toBe(idempotencyKey(['a', 'bc']));
    expect(idempotencyKey(['1'])).not.toBe(idempotencyKey([1]));
  });
});
