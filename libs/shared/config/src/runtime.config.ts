import { z } from 'zod';

import { defineSection } from './section';

/**
 * What every process reads, composed or not (loadConfig adds it): the
 * environment, the log level, and whether the local-development secrets
 * may run here (development-secrets.ts).
 */
export const runtimeSection = defineSection({
  name: 'runtime',
  env: {
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    /**
     * Lets the local-development secrets of scripts/lib/env.sh and docker-compose
     * run where they would otherwise be refused (a database or broker that is not
     * on this machine, NODE_ENV=production): docker-compose sets it, nothing else should.
     */
    ALLOW_DEVELOPMENT_SECRETS: z.enum(['true', 'false']).default('false'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  },
  read: (c): RuntimeConfig => ({ env: c.NODE_ENV, logLevel: c.LOG_LEVEL, allowDevelopmentSecrets: c.ALLOW_DEVELOPMENT_SECRETS === 'true' }),
});

export interface RuntimeConfig {
  env: 'development' | 'test' | 'production';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  allowDevelopmentSecrets: boolean;
}
