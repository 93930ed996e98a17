import { z } from 'zod';

/**
 * A section of the configuration: the environment variables one part of the
 * suite reads, each with its zod schema, and the typed value it makes of them.
 * A process composes the sections it uses (loadConfig) and is validated on
 * those alone: a service never needs a variable, let alone a secret, that no
 * code it runs reads. The code that reads a section injects it by its token
 * (ConfigModule provides one per composed section), so a module whose
 * section the app did not compose fails at start, naming the token.
 *
 * Framework-free on purpose: the manifest tests and the tools read sections.
 */

/** One zod schema per environment variable. */
export type EnvShape = Record<string, z.ZodType>;

/** The parsed variables of a shape. */
export type EnvOf<Shape extends EnvShape> = { [K in keyof Shape]: z.output<Shape[K]> };

export interface ConfigSection<Name extends string = string, Shape extends EnvShape = EnvShape, Value = unknown> {
  /** Where a composed configuration holds the value (`config.<name>`). */
  readonly name: Name;
  /** Every variable it reads. A variable two sections read has one schema, shared by both. */
  readonly env: Shape;
  /**
   * The variables that hold secrets: a Deployment reads them from the Secret,
   * never from a ConfigMap or a literal, and a local-development value of one
   * stops a process outside local development (development-secrets.ts).
   */
  readonly secrets: ReadonlyArray<keyof Shape & string>;
  /**
   * The remote hosts the value connects to (`host` or `host:port`): all on
   * this machine (and NODE_ENV not production) is what local development is.
   */
  readonly hosts?: (value: Value) => string[];
  /** The typed value. Cross-field rules call `fail` with an issue naming its variable(s), never a value. */
  readonly read: (env: EnvOf<Shape>, fail: (issue: string) => void) => Value;
  /** Injection token of the value (ConfigModule). */
  readonly token: symbol;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySection = ConfigSection<string, any, any>;

/** The value a section reads. */
export type SectionValue<S> = S extends { read: (...args: never[]) => infer V } ? V : never;

export function defineSection<const Name extends string, Shape extends EnvShape, Value>(definition: {
  name: Name;
  env: Shape;
  secrets?: ReadonlyArray<keyof Shape & string>;
  read: (env: EnvOf<Shape>, fail: (issue: string) => void) => Value;
  /** Write it after `read`: TypeScript infers the value's type from `read`, in property order. */
  hosts?: (value: NoInfer<Value>) => string[];
}): ConfigSection<Name, Shape, Value> {
  return { ...definition, secrets: definition.secrets ?? [], token: Symbol(`config:${definition.name}`) };
}

/** An integer variable with a default and a floor. */
export const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

/** A comma list, trimmed, empty entries dropped (unset: none). */
export const csv = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );
