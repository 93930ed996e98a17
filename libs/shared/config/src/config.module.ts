import type { DynamicModule, Provider } from '@nestjs/common';

import { composed } from './load-config';
import type { AnySection } from './section';

/**
 * Makes each section of a loaded configuration injectable by its token
 * (`@Inject(databaseSection.token) database: DatabaseConfig`), globally, for
 * the sections given and no other: a provider that needs a section the app
 * does not compose fails at start, naming the token (`config:<section>`).
 *
 * No decorator, so this lib stays free of NestJS at runtime (the manifest
 * tests and the tools load it without it): a dynamic module carries all its
 * metadata, `global` included.
 */
export class ConfigModule {
  static forRoot(config: object, sections: readonly AnySection[]): DynamicModule {
    const values = config as Record<string, unknown>;
    const providers: Provider[] = composed(sections).map((s) => {
      if (!(s.name in values)) throw new Error(`ConfigModule: the configuration has no section ${s.name} (load it with the app's sections)`);
      return { provide: s.token, useValue: values[s.name] };
    });
    return { module: ConfigModule, global: true, providers, exports: providers.map((p) => (p as { provide: symbol }).provide) };
  }
}
