/**
 * JSON with object keys sorted and `undefined` members dropped: two copies of
 * an event that mean the same thing print the same whatever their key order,
 * and a state that went through JSON storage prints as it did before. The
 * same function hashes Meta events into idempotency keys.
 */
export { canonicalJson } from '@wahooks/meta-contract';

/**
 * UTF-16 code-unit order. Never `localeCompare`: its result depends on the
 * ICU data of the Node build, and every ordering here must be the same on
 * every replica that replays the events.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Ascending, with `undefined` after every number. */
export function compareOptional(a: number | undefined, b: number | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  return a - b;
}
