import { loadFixtures } from '@wahooks/testing';

/** The order the ledger promises, restated here as the test's own oracle. */
export const RANK: Record<string, number> = { accepted: 0, sent: 1, failed: 2, delivered: 3, read: 4, played: 5 };

export interface FixtureStatus {
  wamid: string;
  status: string;
  errorCodes: number[];
}

/** Every status in every fixture, read straight from the JSON (not through the code under test). */
export function statusFixtures(): Array<{ name: string; body: Buffer; statuses: FixtureStatus[] }> {
  return loadFixtures()
    .map((f) => {
      const json = JSON.parse(f.body.toString()) as { entry?: Array<{ changes?: Array<{ field?: string; value?: { statuses?: unknown[] } }> }> };
      const statuses: FixtureStatus[] = [];
      for (const entry of json.entry ?? []) {
        for (const change of entry.changes ?? []) {
          if (change.field !== 'messages') continue;
          for (const s of (change.value?.statuses ?? []) as Array<{ id: string; status: string; errors?: Array<{ code: number }> }>) {
            statuses.push({ wamid: s.id, status: s.status, errorCodes: (s.errors ?? []).map((e) => e.code) });
          }
        }
      }
      return { ...f, statuses };
    })
    .filter((f) => f.statuses.length > 0);
}

/** Expected final status and error codes per wamid, by the forward-only rule. */
export function expectedByWamid(statuses: FixtureStatus[]): Map<string, { status: string; errorCodes: Set<number>; statuses: Set<string> }> {
  const out = new Map<string, { status: string; errorCodes: Set<number>; statuses: Set<string> }>();
  for (const s of statuses) {
    const cur = out.get(s.wamid) ?? { status: s.status, errorCodes: new Set<number>(), statuses: new Set<string>() };
    if ((RANK[s.status] ?? -1) > (RANK[cur.status] ?? -1)) cur.status = s.status;
    for (const c of s.errorCodes) cur.errorCodes.add(c);
    cur.statuses.add(s.status);
    out.set(s.wamid, cur);
  }
  return out;
}
