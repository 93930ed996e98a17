/**
 * Postgres cannot store two things JavaScript strings can hold: U+0000
 * (refused by jsonb and text alike) and lone UTF-16 surrogates (invalid in
 * UTF-8, so jsonb refuses their `\uD8xx` escapes). Both reach us in real
 * payloads (a customer's message text, a profile name), and refusing the
 * event would lose the customer's message. Instead each such character is
 * replaced by U+FFFD (the replacement character), and the event records
 * where (`metadata.repairedText`); the raw record on Kafka keeps the
 * original bytes.
 */

/** Matches what JSON.stringify writes for U+0000 and for a lone surrogate (an even run of backslashes before it is plain text). */
const UNSTORABLE_ESCAPE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

export interface Repaired<T> {
  value: T;
  /** Dotted paths of the strings (or keys) that were changed; empty when nothing was. */
  paths: string[];
}

/** True when `json` (a JSON.stringify result) holds something Postgres cannot store. */
export const needsRepair = (json: string): boolean => UNSTORABLE_ESCAPE.test(json);

export function repairText(value: unknown): Repaired<unknown> {
  const paths: string[] = [];
  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === 'string') {
      const fixed = fixString(v);
      if (fixed !== v) paths.push(path || '(root)');
      return fixed;
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, path ? `${path}.${i}` : String(i)));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(v)) {
        const fixedKey = fixString(key);
        const at = path ? `${path}.${fixedKey}` : fixedKey;
        if (fixedKey !== key) paths.push(`${at} (key)`);
        out[fixedKey] = walk(item, at);
      }
      return out;
    }
    return v;
  };
  return { value: walk(value, ''), paths };
}

function fixString(s: string): string {
  // Fast path: nothing to do for the overwhelming majority of strings.
  if (s.isWellFormed() && !s.includes('\u0000')) return s;
  return s.toWellFormed().replace(/\u0000/g, '\uFFFD');
}
