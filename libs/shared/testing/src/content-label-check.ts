import { RawHeaders, Topics } from '@wahooks/events-contract';
import type { ConsumedRecord } from '@wahooks/kafka';
import { contentLabel, contentTokens, parseWebhookBody } from '@wahooks/meta-contract';

import { loadFixtures } from './fixtures';

interface RawSpec {
  decode: Readonly<Record<string, (record: ConsumedRecord, batch: { topic: string; partition: number; records: ConsumedRecord[] }) => unknown[]>>;
  wantsRaw?(tokens: readonly string[]): boolean;
}

/**
 * Runs a projection's raw decoder and its content-label predicate over every
 * delivery of the real-payload corpus: the predicate must say yes to every
 * delivery the decoder keeps something of (else records would be skipped
 * that matter). Returns how many it keeps and how many it may skip.
 */
export function checkContentPredicate(spec: RawSpec): { kept: number; skipped: number; wrong: string[] } {
  const decode = spec.decode[Topics.webhooksRaw];
  if (!decode || !spec.wantsRaw) throw new Error('the spec has no raw decoder or no wantsRaw');
  const out = { kept: 0, skipped: 0, wrong: [] as string[] };
  for (const f of loadFixtures()) {
    const parsed = parseWebhookBody(f.body);
    if (!parsed.ok) continue;
    const record: ConsumedRecord = { topic: Topics.webhooksRaw, partition: 0, offset: '0', key: 't', value: f.body, headers: { [RawHeaders.tenantId]: 't' }, timestamp: 0 };
    const events = decode(record, { topic: Topics.webhooksRaw, partition: 0, records: [record] });
    const wants = spec.wantsRaw(contentTokens(contentLabel(parsed.envelope)) ?? []);
    if (wants) out.kept++;
    else out.skipped++;
    if (events.length > 0 && !wants) out.wrong.push(`${f.name} (${contentLabel(parsed.envelope)})`);
  }
  return out;
}
