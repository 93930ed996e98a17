import type { Provider } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';

import { KafkaHealthProbe } from '@wahooks/kafka';
import { Readiness } from '@wahooks/observability';
import { PrismaService } from '@wahooks/prisma';
import { TenantDirectory } from '@wahooks/tenancy';

/**
 * Readiness of the intake: the broker (through the producer that carries the
 * webhooks) and a tenant snapshot whose secrets this instance can read.
 * The database is reported, not decisive: the intake answers from its tenant
 * snapshot while Postgres is briefly away, and taking every intake pod out
 * of the Service then would turn a database blip into 5xx for Meta.
 *
 * One instance for both ports: the public one answers with its status only,
 * the private one with the details, and both turn 503 once shutdown begins.
 */
export const intakeReadiness: Provider = {
  provide: Readiness,
  inject: [HealthCheckService, HealthIndicatorService, KafkaHealthProbe, PrismaService, TenantDirectory],
  useFactory: (health: HealthCheckService, indicator: HealthIndicatorService, kafka: KafkaHealthProbe, prisma: PrismaService, tenants: TenantDirectory) =>
    new Readiness(health, indicator, [
      { name: 'kafka', check: () => kafka.check(), timeoutMs: 1500 },
      { name: 'tenants', check: () => tenantsUsable(tenants), timeoutMs: 3000 },
      { name: 'database', check: () => prisma.ping(), timeoutMs: 1500, informational: true },
    ]),
};

/**
 * Not ready until a snapshot is loaded, and not ready when this instance can
 * read no tenant's secret while some are unreadable: its SECRETS_ENCRYPTION_KEY
 * is wrong, and every webhook would get 503 here. One tenant's unreadable
 * secret (a row written with another key) is reported, and only that tenant's
 * webhooks get 503: it must not take every intake pod out of service.
 */
async function tenantsUsable(tenants: TenantDirectory): Promise<object> {
  let health = tenants.health();
  if (!health.loaded) {
    await tenants.reload();
    health = tenants.health();
  }
  if (health.unreadable > 0 && health.readable === 0) {
    throw Object.assign(new Error(`no tenant's app secret can be decrypted with this instance's SECRETS_ENCRYPTION_KEY (${health.unreadable} tenants)`), health);
  }
  return health;
}
