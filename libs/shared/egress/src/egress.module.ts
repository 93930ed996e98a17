import { Module } from '@nestjs/common';

import { OutboundHttp } from './outbound-http';

/** The egress agent for outbound calls (needs the config module). */
@Module({ providers: [OutboundHttp], exports: [OutboundHttp] })
export class EgressModule {}
