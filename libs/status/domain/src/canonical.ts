type Frame = { readonly value: unknown } | { readonly literal: string };

/**
 * JSON with object keys sorted and `undefined` members dropped, so two copies
 * of an event that mean the same thing print the same whatever their key
 * order, and a state that went through JSON storage prints as it did before.
 * Iterative so that a freak, deeply nested request body cannot overflow the
 * stack of the projector.
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
        .sort(compareText);
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
      // undefined inside arrays, and anything else JSON cannot hold.
      return 'null';
  }
}

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
