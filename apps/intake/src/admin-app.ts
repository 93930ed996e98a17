import { AddressInfo } from 'node:net';

import { DynamicModule, INestApplicationContext, Module, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';

import { ConfigModule } from '@wahooks/config';
import { loggingModule, MetricsController, MetricsService, Readiness } from '@wahooks/observability';
import { auditAdminCalls, TenantAdminApiModule, TenantAdminService } from '@wahooks/tenancy';

import { IntakeAppConfig, intakeConfig } from './config';
import { HealthController } from './health.controller';

/**
 * The intake's private surfaces: the admin API, /metrics (tenant labels) and
 * the health details. Its providers are the public app's own instances, so
 * an admin write invalidates the very TenantDirectory the webhooks are
 * checked against, and /metrics reads the registry the webhook path counts into.
 */
@Module({})
class AdminModule {
  static forRoot(main: INestApplicationContext, config: IntakeAppConfig, logger: Logger): DynamicModule {
    return {
      module: AdminModule,
      imports: [ConfigModule.forRoot(config, intakeConfig), loggingModule(logger), TenantAdminApiModule.over(main.get(TenantAdminService))],
      providers: [
        { provide: MetricsService, useValue: main.get(MetricsService) },
        { provide: Readiness, useValue: main.get(Readiness) },
      ],
      controllers: [HealthController, MetricsController],
    };
  }
}

const adminApps = new WeakMap<NestFastifyApplication, NestFastifyApplication>();

/**
 * A second Nest app in the same process, on its own Fastify server and port
 * (ADMIN_HTTP_PORT): the public app has no admin, metrics or health-detail
 * route at all, rather than routes a filter would have to hide. It closes
 * with the public app, after the public app's requests have drained (so its
 * readiness reports the drain and /metrics is still scraped meanwhile) and
 * before the shared providers shut down.
 */
export async function attachAdminApp(main: NestFastifyApplication, config: IntakeAppConfig, logger: Logger): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ return503OnClosing: true, keepAliveTimeout: 5000 });
  const admin = await NestFactory.create<NestFastifyApplication>(AdminModule.forRoot(main, config, logger), adapter, { abortOnError: false });
  admin.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  auditAdminCalls(admin.getHttpAdapter().getInstance(), logger);
  main.getHttpAdapter().getInstance().addHook('onClose', async () => {
    await admin.close();
  });
  adminApps.set(main, admin);
  return admin;
}

export interface Listener {
  port: number;
  host: string;
}

/** Public port first: once the private port answers (the probes), Meta's port is open too. */
export async function listenIntake(main: NestFastifyApplication, at: { http: Listener; adminHttp: Listener }): Promise<{ url: string; adminUrl: string }> {
  const admin = adminApps.get(main);
  if (!admin) throw new Error('not an intake app: createIntakeApp attaches its private app');
  await main.listen(at.http.port, at.http.host);
  await admin.listen(at.adminHttp.port, at.adminHttp.host);
  return { url: urlOf(main, at.http.host), adminUrl: urlOf(admin, at.adminHttp.host) };
}

function urlOf(app: NestFastifyApplication, host: string): string {
  const { port } = app.getHttpServer().address() as AddressInfo;
  const local = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${local}:${port}`;
}
