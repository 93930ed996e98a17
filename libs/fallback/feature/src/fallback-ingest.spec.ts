import { checkContentPredicate } from '@wahooks/testing';

import { FallbackProjection } from './fallback-ingest.service';

describe('FallbackProjection.wantsRaw', () => {
  it('keeps every corpus delivery it decodes something from, and skips the rest unparsed', () => {
    const spec = new FallbackProjection(...([{}, {}, {}, {}, {}] as unknown as ConstructorParameters<typeof FallbackProjection>));
    const result = checkContentPredicate(spec);
    expect(result.wrong).toEqual([]);
    expect(result.skipped).toBeGreaterThan(50);
  });
});
