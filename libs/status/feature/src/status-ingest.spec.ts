import { checkContentPredicate } from '@wahooks/testing';

import { StatusProjection } from './status-ingest.service';
import type { StatusProjector } from './status-projector';

describe('StatusProjection.wantsRaw', () => {
  it('keeps every corpus delivery it decodes something from, and skips the rest unparsed', () => {
    const result = checkContentPredicate(new StatusProjection({} as StatusProjector));
    expect(result.wrong).toEqual([]);
    expect(result.skipped).toBeGreaterThan(50);
  });
});
