import { MetricsService } from '@wahooks/observability';
import { checkContentPredicate } from '@wahooks/testing';

import { InboundProjection } from './inbound-ingest.service';

describe('InboundProjection.wantsRaw', () => {
  it('keeps every corpus delivery it decodes something from, and skips the rest unparsed', () => {
    const spec = new InboundProjection(...([{}, {}, {}, new MetricsService()] as unknown as ConstructorParameters<typeof InboundProjection>));
    const result = checkContentPredicate(spec);
    expect(result.wrong).toEqual([]);
    expect(result.skipped).toBeGreaterThan(20);
  });
});
