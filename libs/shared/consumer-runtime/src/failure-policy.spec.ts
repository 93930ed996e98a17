import { backoffMs, classifyFailure, failureSignature, FailureClass, isTransient, PoisonRecordError } from './failure-policy';

const pg = (code: string, message = `pg ${code}`) => Object.assign(new Error(message), { code, severity: 'ERROR' });

describe('classifyFailure', () => {
  const cases: Array<[string, unknown, FailureClass]> = [
    // A failover: the primary went read-only, or we reached a standby.
    ['read-only transaction (25006)', pg('25006', 'cannot execute INSERT in a read-only transaction'), 'infrastructure'],
    ['admin shutdown (57P01)', pg('57P01', 'terminating connection due to administrator command'), 'infrastructure'],
    ['crash shutdown (57P02)', pg('57P02'), 'infrastructure'],
    ['cannot connect now (57P03)', pg('57P03', 'the database system is starting up'), 'infrastructure'],
    ['statement timeout (57014)', pg('57014', 'canceling statement due to statement timeout'), 'timeout'],
    ['idle-in-transaction timeout (25P03)', pg('25P03'), 'timeout'],
    ['disk full (53100)', pg('53100', 'could not extend file: No space left on device'), 'infrastructure'],
    ['out of memory (53200)', pg('53200'), 'infrastructure'],
    ['too many connections (53300)', pg('53300'), 'infrastructure'],
    ['connection failure (08006)', pg('08006'), 'infrastructure'],
    ['serialization failure (40001)', pg('40001'), 'infrastructure'],
    ['deadlock (40P01)', pg('40P01'), 'infrastructure'],
    ['lock not available (55P03)', pg('55P03'), 'infrastructure'],
    ['password rotated (28P01)', pg('28P01'), 'infrastructure'],
    ['missing table: migration not applied (42P01)', pg('42P01'), 'infrastructure'],
    ['permission denied (42501)', pg('42501'), 'infrastructure'],
    ['I/O error (58030)', pg('58030'), 'infrastructure'],
    ['data corrupted (XX001)', pg('XX001'), 'infrastructure'],
    ['our SQL is wrong (42601)', pg('42601'), 'unknown'],
    ['in a failed transaction (25P02)', pg('25P02'), 'unknown'],
    // Prisma, directly and wrapping a SQLSTATE.
    ['Prisma expired transaction (P2028)', Object.assign(new Error('A query cannot be executed on an expired transaction'), { code: 'P2028' }), 'timeout'],
    ['Prisma P2010 wrapping a read-only failure', Object.assign(new Error('Raw query failed'), { code: 'P2010', meta: { code: '25006' } }), 'infrastructure'],
    ['Prisma P2010 wrapping a unique violation', Object.assign(new Error('Raw query failed'), { code: 'P2010', meta: { code: '23505' } }), 'poison'],
    ['Prisma adapter error with the SQLSTATE in its cause', Object.assign(new Error('x'), { name: 'DriverAdapterError', cause: { originalCode: '57P01', kind: 'postgres' } }), 'infrastructure'],
    ['Prisma cannot reach the database (P1001)', Object.assign(new Error('x'), { code: 'P1001' }), 'infrastructure'],
    ['Prisma pool timeout (P2024)', Object.assign(new Error('x'), { code: 'P2024' }), 'infrastructure'],
    // Sockets, pools, the broker.
    ['socket refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), 'infrastructure'],
    ['socket reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'infrastructure'],
    ['pg pool could not connect', new Error('timeout exceeded when trying to connect'), 'infrastructure'],
    ['pg connection dropped mid-query', new Error('Connection terminated unexpectedly'), 'infrastructure'],
    ['pg query timeout', new Error('Query read timeout'), 'timeout'],
    ['wrapped cause', new Error('outer', { cause: pg('57P01') }), 'infrastructure'],
    ['kafkajs retriable', Object.assign(new Error('x'), { name: 'KafkaJSProtocolError', retriable: true }), 'infrastructure'],
    ['kafkajs connection error', Object.assign(new Error('x'), { name: 'KafkaJSConnectionError' }), 'infrastructure'],
    ['our producer: broker unavailable', Object.assign(new Error('x'), { name: 'ProducerUnavailableError' }), 'infrastructure'],
    ['a stream moved meanwhile', Object.assign(new Error('x'), { name: 'ConcurrencyError', code: 'STREAM_VERSION_CONFLICT' }), 'infrastructure'],
    // Proven to be about the record.
    ['explicit poison', new PoisonRecordError('bad payload'), 'poison'],
    ['a unique violation (23505)', pg('23505'), 'poison'],
    ['a check violation (23514)', pg('23514'), 'poison'],
    ['text jsonb cannot store (22P05)', pg('22P05', 'unsupported Unicode escape sequence'), 'poison'],
    ['invalid byte sequence (22021)', pg('22021'), 'poison'],
    ['row too big for an index (54000)', pg('54000'), 'poison'],
    ['the event store refuses an invalid event', Object.assign(new Error('x'), { name: 'EventStoreError', code: 'INVALID_EVENT' }), 'poison'],
    // Never seen before: transient until proven otherwise.
    ['a bug', new TypeError('cannot read properties of undefined'), 'unknown'],
    ['a thrown string', 'boom', 'unknown'],
    ['an error without anything to go on', new Error('something odd'), 'unknown'],
    ['an unknown SQLSTATE class', pg('HV000'), 'unknown'],
  ];

  it.each(cases)('%s → %s', (_name, error, expected) => {
    expect(classifyFailure(error).class).toBe(expected);
  });

  it('is transient for everything but poison', () => {
    expect(isTransient(classifyFailure(new TypeError('x')))).toBe(true);
    expect(isTransient(classifyFailure(pg('25006')))).toBe(true);
    expect(isTransient(classifyFailure(new PoisonRecordError('x')))).toBe(false);
  });

  it('never loops on a cyclic cause chain', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(classifyFailure(a).class).toBe('unknown');
  });
});

describe('failureSignature', () => {
  it('is the same for the same failure on other ids, different for another failure', () => {
    const one = new Error('statement timeout on batch 12 of tenant 7');
    const two = new Error('statement timeout on batch 13 of tenant 8');
    expect(failureSignature(one, classifyFailure(one))).toBe(failureSignature(two, classifyFailure(two)));
    const other = new TypeError('x is undefined');
    expect(failureSignature(other, classifyFailure(other))).not.toBe(failureSignature(one, classifyFailure(one)));
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
