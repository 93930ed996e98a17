import { BodyLease, InflightBudget } from './inflight-budget';

describe('InflightBudget', () => {
  it('admits what fits, up to the capacity exactly, and refuses what would exceed it without taking anything', () => {
    const budget = new InflightBudget(100);
    expect(budget.tryAcquire(60)).toBe(true);
    expect(budget.tryAcquire(41)).toBe(false);
    expect(budget.inFlight).toBe(60);
    expect(budget.tryAcquire(40)).toBe(true);
    expect(budget.inFlight).toBe(100);
    expect(budget.tryAcquire(1)).toBe(false);
    expect(budget.tryAcquire(0)).toBe(true);
  });

  it('gives bytes back on release, and never goes below zero (which would raise the limit)', () => {
    const budget = new InflightBudget(100);
    budget.tryAcquire(70);
    budget.release(30);
    expect(budget.inFlight).toBe(40);
    budget.release(500);
    expect(budget.inFlight).toBe(0);
    expect(budget.tryAcquire(101)).toBe(false);
    expect(budget.tryAcquire(100)).toBe(true);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new InflightBudget(0)).toThrow(RangeError);
    expect(() => new InflightBudget(1.5)).toThrow(RangeError);
    expect(() => new InflightBudget(Number.NaN)).toThrow(RangeError);
  });
});

describe('BodyLease', () => {
  it('grows chunk by chunk within the budget and releases everything it took, exactly once', () => {
    const budget = new InflightBudget(100);
    const other = new BodyLease(budget);
    const lease = new BodyLease(budget);
    expect(other.grow(30)).toBe(true);
    expect(lease.grow(40)).toBe(true);
    expect(lease.grow(20)).toBe(true);
    expect(lease.grow(20)).toBe(false);
    expect(lease.bytes).toBe(60);
    expect(budget.inFlight).toBe(90);
    lease.release();
    lease.release();
    expect(budget.inFlight).toBe(30);
    expect(lease.released).toBe(true);
    other.release();
    expect(budget.inFlight).toBe(0);
  });

  it('takes nothing more once released (bytes arriving after the answer are discarded, not held)', () => {
    const budget = new InflightBudget(100);
    const lease = new BodyLease(budget);
    lease.release();
    expect(lease.grow(10)).toBe(false);
    expect(budget.inFlight).toBe(0);
  });
});
