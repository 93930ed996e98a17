import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  /** Self time by package or area (node internals, GC, idle, each node_modules package, our code). */
  byArea: Array<{ area: string; ms: number; share: number }>;
  /** Self time by function. */
  topFunctions: Array<{ fn: string; ms: number; share: number }>;
}

function areaOf(url: string, fn: string): string {
  if (fn === '(idle)') return '(idle)';
  if (fn === '(garbage collector)') return '(gc)';
  if (fn === '(program)') return '(program: native, outside JS)';
  if (!url) return '(native / builtin)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + 14).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return `wahooks ${url.slice(dist + 6).split('/').slice(0, 3).join('/')}`;
  return url;
}

/** Self time per area and per function of a V8 .cpuprofile. */
export function summarizeProfile(path: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let total = 0;
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const short = url ? url.replace(/^.*\/node_modules\//, '').replace(/^.*\/dist\//, 'dist/') : '';
    const key = `${functionName || '(anonymous)'} ${short ? `${short}:${lineNumber + 1}` : ''}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
  }
  const sorted = (m: Map<string, number>): Array<[string, number]> => [...m].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: total / 1000,
    byArea: sorted(areas).map(([area, us]) => ({ area, ms: us / 1000, share: us / total })),
    topFunctions: sorted(fns)
      .slice(0, top)
      .map(([fn, us]) => ({ fn, ms: us / 1000, share: us / total })),
  };
}

/** `node dist/bench/src/profiling/summarize-profile.js <file.cpuprofile> [top]`: prints both tables. */
if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: summarize-profile <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  const s = summarizeProfile(file, Number(top ?? 30));
  const pct = (v: number): string => `${(v * 100).toFixed(1).padStart(5)}%`;
  process.stdout.write(`${(s.totalMs / 1000).toFixed(1)} s sampled\n\nself time by area\n`);
  for (const a of s.byArea) process.stdout.write(`${pct(a.share)}  ${a.area}\n`);
  process.stdout.write('\nself time by function\n');
  for (const f of s.topFunctions) process.stdout.write(`${pct(f.share)}  ${f.fn}\n`);
}
