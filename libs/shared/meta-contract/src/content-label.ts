import type { Envelope } from './envelope';
import { asArray, isRecord } from './json';
import { isMessagingField } from './messaging';

/** What a change carries that is not one of its items. */
const ENVELOPE_KEYS = new Set(['messaging_product', 'metadata', 'contacts']);

/** A label token that means "look inside": a change whose shape could not be read. */
export const UNREADABLE_CONTENT = '?';

/**
 * What a delivery (or the entries of it a record holds) carries, as sorted,
 * distinct tokens: `<field>:<member>` for each member of a change's value
 * that holds items (`messages:statuses`, `messages:messages`,
 * `messages:errors`, `smb_app_state_sync:state_sync`…), the bare `<field>`
 * for a value with none (management fields), `?` for a change that is not a
 * readable `{field, value}`. The intake writes it beside each raw record
 * (`wahooks-content`), so a consumer can skip a record it has no use for
 * without parsing it (most of the raw topic is statuses, which three of the
 * four consumers ignore). Entries are given as indexes into the envelope.
 */
export function contentLabel(envelope: Envelope, entries?: readonly number[]): string {
  const tokens = new Set<string>();
  const selected = entries ? entries.map((i) => envelope.entry[i]) : envelope.entry;
  for (const entry of selected) {
    const changes = isRecord(entry) ? entry['changes'] : undefined;
    if (!Array.isArray(changes)) {
      tokens.add(UNREADABLE_CONTENT);
      continue;
    }
    for (const change of asArray(changes)) {
      const field = isRecord(change) ? change['field'] : undefined;
      const value = isRecord(change) ? change['value'] : undefined;
      if (typeof field !== 'string' || !isRecord(value) || /[,:?]/.test(field)) {
        tokens.add(UNREADABLE_CONTENT);
        continue;
      }
      const members = Object.keys(value).filter((k) => !ENVELOPE_KEYS.has(k) && (Array.isArray(value[k]) || isRecord(value[k])));
      if (members.length === 0) tokens.add(field);
      for (const m of members) tokens.add(/[,:?]/.test(m) ? UNREADABLE_CONTENT : `${field}:${m}`);
    }
  }
  return [...tokens].sort().join(',');
}

/** The tokens of a `wahooks-content` header; undefined when the record carries none (written before it existed). */
export function contentTokens(header: string | undefined): readonly string[] | undefined {
  return header === undefined ? undefined : header.split(',').filter((t) => t.length > 0);
}

/** A token's field and member (`messages:statuses` → `messages`, `statuses`). */
export function splitToken(token: string): { field: string; member: string | undefined } {
  const i = token.indexOf(':');
  return i < 0 ? { field: token, member: undefined } : { field: token.slice(0, i), member: token.slice(i + 1) };
}

/** A change of a management field (templates, account, numbers…): everything but the messaging fields. */
export const isManagementToken = (token: string): boolean => token === UNREADABLE_CONTENT || !isMessagingField(splitToken(token).field);
