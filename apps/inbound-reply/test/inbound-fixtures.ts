import { loadFixtures } from '@wahooks/testing';

/** One inbound message as the fixture's JSON says it (read without the code under test). */
export interface FixtureMessage {
  wabaId: string;
  phoneNumberId: string;
  wamid: string;
  wireType: string;
  /** Unix seconds; null when the fixture's value is not a number (Meta's doc placeholder). */
  timestamp: number | null;
  /** The identity the contact must be findable by: `from`, else the matched wa_id, else the BSUID. */
  customer: string | undefined;
  profileName: string | undefined;
  contextId: string | undefined;
  forwarded: boolean;
  ctwaClid: string | undefined;
  errorCodes: number[];
  newWaId: string | undefined;
  mediaId: string | undefined;
}

interface RawMessage {
  id: string;
  type: string;
  timestamp: string | number;
  from?: string;
  from_user_id?: string;
  context?: { id?: string; forwarded?: boolean };
  referral?: { ctwa_clid?: string };
  errors?: Array<{ code: number }>;
  system?: { wa_id?: string; type?: string };
  [type: string]: unknown;
}

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);
/** Types the contract names; Meta's legacy `unknown` is its `unsupported`. */
const KNOWN = new Set(['text', 'image', 'video', 'document', 'sticker', 'audio', 'location', 'contacts', 'interactive', 'button', 'reaction', 'order', 'system', 'request_welcome', 'edit', 'revoke', 'unsupported']);
export const expectedType = (wire: string): string => (wire === 'unknown' ? 'unsupported' : KNOWN.has(wire) ? wire : 'unknown');

export function inboundFixtures(): Array<{ name: string; body: Buffer; messages: FixtureMessage[] }> {
  return loadFixtures()
    .map((f) => {
      const json = JSON.parse(f.body.toString()) as { entry?: Array<{ id: string; changes?: Array<{ field?: string; value?: { metadata?: { phone_number_id?: string }; contacts?: Array<{ wa_id?: string; user_id?: string; profile?: { name?: string } }>; messages?: RawMessage[] } }> }> };
      const messages: FixtureMessage[] = [];
      for (const entry of json.entry ?? []) {
        for (const change of entry.changes ?? []) {
          if (change.field !== 'messages') continue;
          const contact = change.value?.contacts?.[0];
          for (const m of change.value?.messages ?? []) {
            // The sender's entry: same wa_id or BSUID, or the only one when the message names nobody.
            const matched = change.value?.contacts?.find((c) => (m.from && c.wa_id === m.from) || (m.from_user_id && c.user_id === m.from_user_id)) ?? (!m.from && !m.from_user_id && change.value?.contacts?.length === 1 ? contact : undefined);
            const media = MEDIA_TYPES.has(m.type) ? (m[m.type] as { id?: string } | undefined) : undefined;
            messages.push({
              wabaId: entry.id,
              phoneNumberId: change.value?.metadata?.phone_number_id ?? entry.id,
              wamid: m.id,
              wireType: m.type,
              timestamp: Number.isFinite(Number(m.timestamp)) ? Number(m.timestamp) : null,
              customer: m.from || matched?.wa_id || m.from_user_id || matched?.user_id || undefined,
              profileName: matched?.profile?.name,
              contextId: m.context?.id,
              forwarded: m.context?.forwarded === true,
              ctwaClid: m.referral?.ctwa_clid,
              errorCodes: (m.errors ?? []).map((e) => e.code),
              newWaId: m.system?.type === 'user_changed_number' ? m.system.wa_id : undefined,
              mediaId: media?.id,
            });
          }
        }
      }
      return { ...f, messages };
    })
    .filter((f) => f.messages.length > 0);
}

/** Fixtures reuse wamids (Meta's never do); spread them over tenants so no tenant sees one twice. */
export function spreadOverTenants<T extends { messages: FixtureMessage[] }>(fixtures: T[]): T[][] {
  const groups: Array<{ items: T[]; keys: Set<string> }> = [];
  for (const f of fixtures) {
    const keys = f.messages.map((m) => m.wamid);
    let g = groups.find((x) => keys.every((k) => !x.keys.has(k)));
    if (!g) groups.push((g = { items: [], keys: new Set() }));
    g.items.push(f);
    keys.forEach((k) => g.keys.add(k));
  }
  return groups.map((g) => g.items);
}
