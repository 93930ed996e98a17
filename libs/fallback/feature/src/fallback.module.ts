import { Module } from '@nestjs/common';

import { APP_CONFIG, AppConfig } from '@wahooks/config';
import { EventStore } from '@wahooks/event-store';
import { OutboxModule } from '@wahooks/outbox';
import { TenancyReadModule } from '@wahooks/tenancy';

import { FallbackController } from './fallback.controller';
import { FallbackConsumer } from './fallback.consumer';
import { FallbackIngestService, FallbackProjection } from './fallback-ingest.service';
import { FallbackMessageRepository } from './fallback-message.repository';
import { FallbackQueryRepository } from './fallback-query.repository';
import { FallbackRebuilder } from './fallback-rebuilder.service';
import { FallbackRecorder } from './fallback-recorder.service';
import { FallbackSettings } from './fallback-settings.service';
import { HttpSmsProvider, SMS_PROVIDER, SmsProvider } from './sms-provider';
import { SmsDispatcher } from './sms-dispatcher.service';
import { SmsRequestRepository } from './sms-request.repository';
import { SuppressionRepository } from './suppression.repository';
import { UndeliveredScanner } from './undelivered-scanner.service';

/**
 * The SMS provider: the generic HTTP one when FALLBACK_SMS_URL is set. A
 * vendor adapter implements SmsProvider and replaces this factory.
 */
const smsProvider = {
  provide: SMS_PROVIDER,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig): SmsProvider | null => {
    const { url, secret, timeoutMs } = config.fallback.sms;
    return url ? new HttpSmsProvider({ url, secret, timeoutMs }) : null;
  },
};

/** Error-code policies and their side effects: consumers, SMS dispatch, time-based fallback, read API, rebuild. */
@Module({
  imports: [TenancyReadModule, OutboxModule],
  controllers: [FallbackController, FallbackConsumer],
  providers: [
    EventStore,
    FallbackSettings,
    FallbackMessageRepository,
    SuppressionRepository,
    SmsRequestRepository,
    FallbackQueryRepository,
    FallbackRecorder,
    FallbackProjection,
    FallbackIngestService,
    SmsDispatcher,
    UndeliveredScanner,
    FallbackRebuilder,
    smsProvider,
  ],
  exports: [FallbackIngestService, SmsDispatcher, UndeliveredScanner, FallbackRebuilder, OutboxModule],
})
export class FallbackModule {}
