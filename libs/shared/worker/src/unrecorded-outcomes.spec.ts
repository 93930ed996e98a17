import { UnrecordedOutcomes } from './unrecorded-outcomes';

describe('UnrecordedOutcomes', () => {
  it('writes outcomes once when the database takes them, and holds nothing', async () => {
    const held = new UnrecordedOutcomes<string>();
    const written: string[][] = [];
    await held.record(['a', 'b'], async (o) => void written.push(o));
    expect(written).toEqual([['a', 'b']]);
    expect(held.size).toBe(0);
    expect(await held.retry(() => Promise.reject(new Error('nothing to retry')))).toBe(0);
  });

  it('holds what a refused write carried, rethrows, and writes it on the next retry, once', async () => {
    const held = new UnrecordedOutcomes<string>();
    const readOnly = new Error('cannot execute UPDATE in a read-only transaction');
    await expect(held.record(['a', 'b'], () => Promise.reject(readOnly))).rejects.toBe(readOnly);
    expect(held.size).toBe(2);
    await expect(held.retry(() => Promise.reject(readOnly))).rejects.toBe(readOnly);
    expect(held.size).toBe(2);
    const written: string[][] = [];
    expect(await held.retry(async (o) => void written.push(o))).toBe(2);
    expect(written).toEqual([['a', 'b']]);
    expect(held.size).toBe(0);
    expect(await held.retry(async (o) => void written.push(o))).toBe(0);
    expect(written).toHaveLength(1);
  });
});
