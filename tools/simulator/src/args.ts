/** `--name value`, `--name=value` and bare `--flag` (true); `--no-flag` is false. */
export type Flags = Map<string, string | boolean>;

export function parseArgs(argv: string[]): { positional: string[]; flags: Flags } {
  const positional: string[] = [];
  const flags: Flags = new Map();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else if (a.startsWith('--no-')) flags.set(a.slice(5), false);
    else if (i + 1 < argv.length && !(argv[i + 1] as string).startsWith('--')) flags.set(a.slice(2), argv[++i] as string);
    else flags.set(a.slice(2), true);
  }
  return { positional, flags };
}

export function str(flags: Flags, name: string, def: string): string {
  const v = flags.get(name);
  return typeof v === 'string' ? v : def;
}

export function num(flags: Flags, name: string, def: number, min = -Infinity, max = Infinity): number {
  const v = flags.get(name);
  if (v === undefined) return def;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number in [${min}, ${max}], got ${String(v)}`);
  return n;
}

export function bool(flags: Flags, name: string, def: boolean): boolean {
  const v = flags.get(name);
  return v === undefined ? def : v === true || v === 'true';
}

/** Flags a command does not know are mistakes, not silently ignored. */
export function rejectUnknown(flags: Flags, known: readonly string[]): void {
  const unknown = [...flags.keys()].filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new Error(`unknown flag(s): ${unknown.map((k) => `--${k}`).join(', ')}`);
}
