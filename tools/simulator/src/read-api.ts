import { attempt, getJson } from './http';

export type Service = 'status-projector' | 'fallback-trigger' | 'template-monitor' | 'inbound-reply';

export interface Difference {
  service: Service;
  tenantId: string;
  subject: string;
  field: string;
  expected: unknown;
  actual: unknown;
}

/** Differences of one comparison, for one service and tenant at a time. */
export class Diffs {
  readonly list: Difference[] = [];

  add(service: Service, tenantId: string, subject: string, field: string, expected: unknown, actual: unknown): void {
    this.list.push({ service, tenantId, subject, field, expected, actual });
  }

  /** Records a difference unless `actual` equals `expected` (JSON-deep, `undefined` as null). */
  check(service: Service, tenantId: string, subject: string, field: string, expected: unknown, actual: unknown): void {
    if (canonical(expected) !== canonical(actual)) this.add(service, tenantId, subject, field, expected, actual ?? null);
  }
}

const canonical = (v: unknown): string => JSON.stringify(v ?? null, (_k, x: unknown) => (x === undefined ? null : x));

/**
 * Whether `actual` has every member of `expected`, recursively: objects may
 * have more members, arrays must have the same length and match element by
 * element. Returns the path of the first mismatch, or null.
 */
export function subsetMismatch(expected: unknown, actual: unknown, path = ''): string | null {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return path || '.';
    for (let i = 0; i < expected.length; i++) {
      const m = subsetMismatch(expected[i], actual[i], `${path}[${i}]`);
      if (m !== null) return m;
    }
    return null;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return path || '.';
    for (const [k, v] of Object.entries(expected)) {
      const m = subsetMismatch(v, (actual as Record<string, unknown>)[k], `${path}.${k}`);
      if (m !== null) return m;
    }
    return null;
  }
  return Object.is(expected, actual) ? null : path || '.';
}

/** A read API of one service, with one tenant's API key. */
export class ReadApi {
  constructor(
    readonly base: string,
    readonly service: Service,
    readonly tenantId: string,
    private readonly apiKey: string,
    private readonly diffs: Diffs,
  ) {}

  /** GET raw bytes (a stored media file): the body on 200, else the status or error. */
  async bytes(path: string): Promise<Buffer | string> {
    const r = await attempt(`${this.base}${path}`, { headers: { 'x-api-key': this.apiKey } }, 10_000);
    if (r.kind === 'response') return r.status === 200 ? r.bytes : `HTTP ${r.status}`;
    return r.kind === 'timeout' ? 'timeout' : r.message;
  }

  /** GET one resource: its body, `null` on 404, `undefined` (and a difference) on any other failure. */
  async get<T>(path: string): Promise<T | null | undefined> {
    const r = await getJson<T>(`${this.base}${path}`, { 'x-api-key': this.apiKey });
    if (r.status === 404) return null;
    if (r.status === 200 && r.body !== undefined) return r.body;
    this.diffs.add(this.service, this.tenantId, path, 'http', 200, r.error ?? r.status);
    return undefined;
  }

  /** Every page of a keyset-paginated list (`items`, `nextCursor`), `limit` per page. */
  async all<T>(path: string, limit = 500): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: T[]; nextCursor?: string | null } | null | undefined = await this.get(`${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (page === null) this.diffs.add(this.service, this.tenantId, path, 'http', 200, 404);
      if (!page) return out;
      out.push(...page.items);
      cursor = page.nextCursor ?? null;
    } while (cursor);
    return out;
  }
}
