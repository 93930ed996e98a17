import { Module } from '@nestjs/common';

import { EgressModule } from '@wahooks/egress';
import { EventStore } from '@wahooks/event-store';
import { OutboxModule } from '@wahooks/outbox';
import { AdminTokenGuard, TenancyReadModule } from '@wahooks/tenancy';

import { AlertDispatcher } from './alert-dispatcher.service';
import { AlertEndpointRepository } from './alert-endpoint.repository';
import { AlertRepository } from './alert.repository';
import { AlertEndpointAdminController, AlertsController } from './alerts.controller';
import { MonitorConsumer } from './monitor.consumer';
import { MonitorIngestService, MonitorProjection } from './monitor-ingest.service';
import { MonitorProjector } from './monitor-projector';
import { MonitorQueryRepository } from './monitor-query.repository';
import { MonitorRebuilder } from './monitor-rebuilder.service';
import { MonitorStateRepository } from './monitor-state.repository';
import { TemplatesController } from './templates.controller';
import { WabaHealthController } from './waba-health.controller';

/** Templates, numbers and account health: consumer, projections, alerts and their delivery, read API, rebuild. Needs Prisma, config, metrics. */
@Module({
  imports: [TenancyReadModule, OutboxModule, EgressModule],
  controllers: [MonitorConsumer, TemplatesController, WabaHealthController, AlertsController, AlertEndpointAdminController],
  providers: [
    EventStore,
    AdminTokenGuard,
    MonitorStateRepository,
    MonitorQueryRepository,
    MonitorProjector,
    MonitorProjection,
    MonitorIngestService,
    MonitorRebuilder,
    AlertRepository,
    AlertEndpointRepository,
    AlertDispatcher,
  ],
  exports: [MonitorIngestService, MonitorRebuilder, AlertDispatcher, OutboxModule],
})
export class TemplateMonitorModule {}
