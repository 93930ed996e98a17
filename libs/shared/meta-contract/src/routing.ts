import { Entry, Envelope } from './envelope';
import { asArray, asRecord, idText } from './json';

export interface EntryRoutingKeys {
  /** `entry.id`; the empty string when the entry carries none. */
  readonly wabaId: string;
  /** Distinct `value.metadata.phone_number_id`s of the entry's changes, in first-seen order. */
  readonly phoneNumberIds: string[];
}

/**
 * What a delivery entry can be routed on. Management fields (templates,
 * account, quality) carry no phone number id at all, so the WABA id is the
 * primary key and phone number ids are a fallback for messaging fields.
 */
export function entryRoutingKeys(entry: Entry): EntryRoutingKeys {
  const phoneNumberIds = new Set<string>();
  for (const change of asArray(entry.changes)) {
    const metadata = asRecord(asRecord(asRecord(change)?.['value'])?.['metadata']);
    const id = idText(metadata?.['phone_number_id']);
    if (id !== undefined) phoneNumberIds.add(id);
  }
  return { wabaId: idText(entry.id) ?? '', phoneNumberIds: [...phoneNumberIds] };
}

/**
 * The JSON text of a sub-envelope holding only the given entries (ascending,
 * each at most once), for a shared-URL POST that carries several tenants.
 * Top-level members other than `entry` are kept in their original order.
 *
 * Non-ASCII characters are written as lowercase `\uXXXX` escapes, as Meta
 * does, so the output is pure ASCII and its bytes do not depend on how a
 * downstream transport treats UTF-8. It is still not Meta's signed body:
 * whitespace and escaping of the original are not reproduced.
 *
 * @throws RangeError for an index that is not an entry of the envelope,
 *   which is a routing bug rather than a property of the delivery.
 */
export function splitEnvelopeByEntries(envelope: Envelope, entryIndexes: readonly number[]): string {
  for (const index of entryIndexes) {
    if (!Number.isInteger(index) || index < 0 || index >= envelope.entry.length) {
      throw new RangeError(`entry index ${index} is outside the envelope's ${envelope.entry.length} entries`);
    }
  }
  const selected = [...new Set(entryIndexes)].sort((a, b) => a - b).map((index) => envelope.entry[index]);
  return escapeNonAscii(JSON.stringify({ ...envelope, entry: selected }));
}

function escapeNonAscii(json: string): string {
  // Outside string literals JSON is ASCII already, so a global replace is
  // safe; surrogate halves are escaped one by one, which is valid JSON.
  return json.replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Where one delivery on the platform URL goes, decided from the tenant that
 * owns each entry (`undefined`: none does, yet):
 * - `whole`: every entry is one tenant's; its record is the signed body as sent.
 * - `split`: several tenants, or one tenant plus entries no tenant owns;
 *   each tenant gets a sub-envelope of its entries, the rest go to the
 *   unrouted topic (kept for replay once the WABA is registered).
 * - `unrouted`: no entry has a tenant; the whole body is kept on the
 *   unrouted topic and Meta gets its 200 (a 4xx would make Meta drop it).
 */
export type RoutingDecision =
  | { kind: 'whole'; tenantId: string }
  | { kind: 'split'; parts: Array<{ tenantId: string; entries: number[] }>; unrouted: number[] }
  | { kind: 'unrouted'; entries: number[] };

export function decideRouting(entryTenants: ReadonlyArray<string | undefined>): RoutingDecision {
  const parts = new Map<string, number[]>();
  const unrouted: number[] = [];
  entryTenants.forEach((tenantId, index) => {
    if (tenantId === undefined) unrouted.push(index);
    else parts.set(tenantId, [...(parts.get(tenantId) ?? []), index]);
  });
  if (parts.size === 0) return { kind: 'unrouted', entries: unrouted };
  const [only] = parts.keys();
  if (parts.size === 1 && unrouted.length === 0 && only !== undefined) return { kind: 'whole', tenantId: only };
  return { kind: 'split', parts: [...parts].map(([tenantId, entries]) => ({ tenantId, entries })), unrouted };
}
