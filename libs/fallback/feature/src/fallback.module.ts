import { Module } from '@nestjs/common';

import { FallbackConfig, fallbackSection } from '@wahooks/config';
import { EgressModule, OutboundHttp } from '@wahooks/egress';
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
 * The SMS provider: the generic HTTP one when FALLBACK_SMS_URL is set, its
 * calls through the egress agent. A URL naming an internal address that
 * EGRESS_ALLOW does not stops the service at start (a host name is checked
 * when each call connects). A vendor adapter implements SmsProvider and
 * replaces this factory.
 */
const smsProvider = {
  provide: SMS_PROVIDER,
  inject: [fallbackSection.token, OutboundHttp],
  useFactory: (fallback: FallbackConfig, outbound: OutboundHttp): SmsProvider | null => {
    const { url, secret, timeoutMs } = fallback.sms;
    if (!url) return null;
    const check = outbound.checkUrl(url, { allowPlainHttp: true });
    if (!check.ok && check.reason === 'internal-address') throw new Error(`FALLBACK_SMS_URL: ${check.message}; add it to EGRESS_ALLOW if intended`);
    return new HttpSmsProvider({ url, secret, timeoutMs, dispatcher: outbound.dispatcher });
  },
};

/** Error-code policies and their side effects: consumers, SMS dispatch, time-based fallback, read API, rebuild. */
@Module({
  imports: [TenancyReadModule, OutboxModule, EgressModule],
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
