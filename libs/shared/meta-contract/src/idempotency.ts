import { createHash } from 'node:crypto';

/** Bump when the recipe changes, so old and new keys can never collide. */
const RECIPE = 'wahooks.meta.idempotency.v1';

type Frame = { readonly value: unknown } | { readonly literal: string };

/**
 * JSON with object keys sorted (UTF-16 code-unit order), no whitespace, and
 * `undefined` members dropped as JSON.stringify does. Meta's key order varies
 * between sources and retries are not promised to be byte-identical, so keys
 * must hash the meaning, not the bytes.
 *
 * Iterative on purpose: a hostile or freak payload nested 100k levels deep
 * must not blow the call stack of a consumer.
 */
export function canonicalJson(value: unknown): string {
  let out = '';
  const stack: Frame[] = [{ value }];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    if ('literal' in frame) {
      out += frame.literal;
      continue;
    }
    const current = frame.value;
    if (Array.isArray(current)) {
      out += '[';
      stack.push({ literal: ']' });
      for (let i = current.length - 1; i >= 0; i -= 1) {
        stack.push({ value: current[i] });
        if (i > 0) stack.push({ literal: ',' });
      }
    } else if (typeof current === 'object' && current !== null) {
      const record = current as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort();
      out += '{';
      stack.push({ literal: '}' });
      for (let i = keys.length - 1; i >= 0; i -= 1) {
        const key = keys[i] as string;
        stack.push({ value: record[key] });
        stack.push({ literal: `${i > 0 ? ',' : ''}${JSON.stringify(key)}:` });
      }
    } else {
      out += scalar(current);
    }
  }
  return out;
}

function scalar(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      // undefined inside arrays, and anything JSON cannot hold.
      return 'null';
  }
}

/**
 * 64 lowercase hex chars: sha256 over the canonical JSON of the recipe tag
 * and the given parts. Fixed length keeps a unique index cheap however long
 * the inputs (BSUIDs alone may be 256 chars).
 */
export function idempotencyKey(parts: readonly unknown[]): string {
  return createHash('sha256')
    .update(canonicalJson([RECIPE, ...parts]))
    .digest('hex');
}
