import { z } from 'zod';

import { defineSection, int } from './section';

/** The listener of every long-running app (the intake's public one: Meta's webhooks; the consumers': everything). */
const HTTP_PORT = int(3000);
const HTTP_HOST = z.string().default('0.0.0.0');

export interface Listener {
  port: number;
  host: string;
}

export const httpSection = defineSection({
  name: 'http',
  env: { HTTP_PORT, HTTP_HOST },
  read: (c): Listener => ({ port: c.HTTP_PORT, host: c.HTTP_HOST }),
});

/**
 * The intake's private listener: admin API, /metrics and health with details,
 * never the port Meta reaches. Reads HTTP_PORT and HTTP_HOST too (the same
 * schemas): its host defaults to HTTP_HOST, and its port must differ.
 */
export const adminHttpSection = defineSection({
  name: 'adminHttp',
  env: {
    /** 0: any free port. 9464 is the usual port of a Prometheus endpoint next to an app's own. */
    ADMIN_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
    /** Defaults to HTTP_HOST; 127.0.0.1 keeps the private surfaces on this machine. */
    ADMIN_HTTP_HOST: z.string().min(1).optional(),
    HTTP_PORT,
    HTTP_HOST,
  },
  read: (c, fail): Listener => {
    // The admin API on the port Meta reaches is exactly what the second listener is for not to be.
    if (c.ADMIN_HTTP_PORT !== 0 && c.ADMIN_HTTP_PORT === c.HTTP_PORT) fail('ADMIN_HTTP_PORT: must differ from HTTP_PORT');
    return { port: c.ADMIN_HTTP_PORT, host: c.ADMIN_HTTP_HOST ?? c.HTTP_HOST };
  },
});

/** How long a stopping process may drain (requests, the batch in flight, the outbox) before it exits anyway. */
export const shutdownSection = defineSection({
  name: 'shutdown',
  env: { SHUTDOWN_GRACE_MS: int(10000, 0) },
  read: (c): ShutdownConfig => ({ graceMs: c.SHUTDOWN_GRACE_MS }),
});

export interface ShutdownConfig {
  graceMs: number;
}
