/**
 * Narrowing helpers over parsed JSON. Meta's payloads drift (ints vs strings,
 * empty strings for "absent", placeholders in docs), so every reader here is
 * total: it returns `undefined` for a shape it does not accept and never throws.
 */

export type JsonRecord = { readonly [key: string]: unknown };

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asRecord(value: unknown): JsonRecord | undefined {
  return isRecord(value) ? value : undefined;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A string as sent, the empty string included. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * A string that identifies something. Since the BSUID rollout Meta sends
 * `wa_id: ""` for "unknown", so the empty string is treated as absent.
 */
export function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** An id Meta sometimes sends as a JSON number (template ids, group participants). */
export function idText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return nonEmpty(value);
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** A finite number, accepting the numeric strings some sources use for coordinates and prices. */
export function numberish(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && DECIMAL.test(value.trim())) return Number(value.trim());
  return undefined;
}

export function maybeBool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

const EPOCH = /^\d{1,12}$/;

/**
 * Unix seconds. Messages and statuses send strings, management fields send
 * ints; anything else (placeholders like "message_timestamp") is absent
 * rather than NaN.
 */
export function epochSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === 'string' && EPOCH.test(value)) return Number(value);
  return undefined;
}

/**
 * A date Meta sends either as Unix seconds (int or numeric string) or as
 * prose ("January 31, 2021"). Prose is kept verbatim: parsing it would need a
 * time zone Meta never states.
 */
export function metaDate(value: unknown): number | string | undefined {
  return epochSeconds(value) ?? nonEmpty(value);
}

/** A scalar kept with its wire type (limits arrive as 2000 or "TIER_2K"). */
export function numberOrText(value: unknown): number | string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  return nonEmpty(value);
}
