import { checkContentPredicate } from '@wahooks/testing';

import { MonitorProjection } from './monitor-ingest.service';

describe('MonitorProjection.wantsRaw', () => {
  it('keeps every corpus delivery it decodes something from, and skips the rest unparsed', () => {
    const spec = new MonitorProjection(...([{}, {}, {}] as unknown as ConstructorParameters<typeof MonitorProjection>));
    const result = checkContentPredicate(spec);
    expect(result.wrong).toEqual([]);
    expect(result.skipped).toBeGreaterThan(50);
  });
});
