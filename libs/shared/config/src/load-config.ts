import { z } from 'zod';

import { developmentSecretsIn, isLocalDevelopment } from './development-secrets';
import { runtimeSection } from './runtime.config';
import { AnySection, EnvShape, SectionValue } from './section';

/**
 * A process's configuration: one property per section it composes
 * (`config.database`, `config.stall`, ...), `runtime` always among them.
 */
export type ConfigOf<S extends readonly AnySection[]> = {
  [X in S[number] | typeof runtimeSection as X['name']]: SectionValue<X>;
};

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n  - ${issues.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** The sections as loaded: `runtime` first, each once. */
export function composed(sections: readonly AnySection[]): AnySection[] {
  const all = [...new Set<AnySection>([runtimeSection, ...sections])];
  const names = new Map<string, AnySection>();
  for (const s of all) {
    if (names.has(s.name)) throw new Error(`two configuration sections are named ${s.name}`);
    names.set(s.name, s);
  }
  return all;
}

/** Every variable of the sections, each with its one schema (a variable two sections read must share its schema). */
function shapeOf(sections: readonly AnySection[]): EnvShape {
  const shape: EnvShape = {};
  for (const s of sections) {
    for (const [name, schema] of Object.entries(s.env as EnvShape)) {
      if (shape[name] && shape[name] !== schema) throw new Error(`${name} is read by two configuration sections with different schemas`);
      shape[name] = schema;
    }
  }
  return shape;
}

/**
 * Parses the variables of `sections` (and `runtime`) once, and nothing else:
 * a variable no composed section reads is neither required nor checked.
 * Throws a ConfigError naming every bad variable (never its value: several
 * are secrets): first every schema problem, else every cross-field problem
 * and every secret that holds a local-development value outside local
 * development (development-secrets.ts).
 */
export function loadConfig<const S extends readonly AnySection[]>(sections: S, env: Record<string, string | undefined>): ConfigOf<S> {
  const all = composed(sections);
  const parsed = z.object(shapeOf(all)).safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const issues: string[] = [];
  const config: Record<string, unknown> = {};
  for (const s of all) config[s.name] = s.read(parsed.data, (issue) => issues.push(issue));
  const runtime = config[runtimeSection.name] as SectionValue<typeof runtimeSection>;
  const hosts = all.flatMap((s) => s.hosts?.(config[s.name]) ?? []);
  // Outside local development a missing secret fails validation already; a development one must too.
  if (!runtime.allowDevelopmentSecrets && !isLocalDevelopment({ nodeEnv: runtime.env, hosts })) {
    for (const name of developmentSecretsIn(env, secretsOf(all))) {
      issues.push(`${name}: holds a local-development value; set a real secret (NODE_ENV=${runtime.env}, database or broker not on this machine)`);
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return config as ConfigOf<S>;
}

/** The one place that reads process.env. */
export function loadConfigFromEnv<const S extends readonly AnySection[]>(sections: S): ConfigOf<S> {
  return loadConfig(sections, process.env);
}

/** Every variable the sections (and `runtime`) read, sorted. */
export function variablesOf(sections: readonly AnySection[]): string[] {
  return Object.keys(shapeOf(composed(sections))).sort();
}

/** The variables of the sections that hold secrets, sorted. */
export function secretsOf(sections: readonly AnySection[]): string[] {
  return [...new Set(composed(sections).flatMap((s) => s.secrets as string[]))].sort();
}

/** The variables without which the sections do not load (no default, not optional), sorted. */
export function requiredOf(sections: readonly AnySection[]): string[] {
  return Object.entries(shapeOf(composed(sections)))
    .filter(([, schema]) => !schema.safeParse(undefined).success)
    .map(([name]) => name)
    .sort();
}
