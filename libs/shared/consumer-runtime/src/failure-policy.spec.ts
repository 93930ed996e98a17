import { backoffMs, classifyFailure, PoisonRecordError } from './failure-policy';

describe('classifyFailure', () => {
  it.each([
    ['prisma cannot reach the database', Object.assign(new Error('x'), { code: 'P1001' })],
    ['postgres serialization failure', Object.assign(new Error('x'), { code: '40001' })],
    ['socket refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['wrapped cause', new Error('outer', { cause: Object.assign(new Error('inner'), { code: '57P01' }) })],
    ['kafkajs retriable', Object.assign(new Error('x'), { retriable: true })],
    ['adapter message', new Error("Can't reach database server at 127.0.0.1:5432")],
  ])('treats %s as transient', (_name, error) => {
    expect(classifyFailure(error)).toBe('transient');
  });

  it.each([
    ['explicit poison', new PoisonRecordError('bad payload')],
    ['a bug', new TypeError('cannot read properties of undefined')],
    ['a unique violation', Object.assign(new Error('x'), { code: '23505' })],
    ['a thrown string', 'boom'],
  ])('treats %s as poison', (_name, error) => {
    expect(classifyFailure(error)).toBe('poison');
  });
});

describe('backoffMs', () => {
  it('grows exponentially, stays within [ceiling/2, ceiling] and is capped', () => {
    expect(backoffMs(1, 100, 10_000, () => 0)).toBe(50);
    expect(backoffMs(1, 100, 10_000, () => 1)).toBe(100);
    expect(backoffMs(4, 100, 10_000, () => 1)).toBe(800);
    expect(backoffMs(30, 100, 10_000, () => 1)).toBe(10_000);
  });
});
