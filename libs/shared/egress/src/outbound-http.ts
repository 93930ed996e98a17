import { Inject, Injectable } from '@nestjs/common';

import { EgressConfig, egressSection } from '@wahooks/config';

import { createEgressAgent, FetchDispatcher } from './egress-agent';
import { EgressPolicy } from './egress-policy';
import { checkOutboundUrl, OutboundUrlCheck, OutboundUrlRules } from './outbound-url';

/**
 * Every call we make to an address someone else chose (a tenant's alert
 * URL, the SMS provider, Meta's Graph API and CDN) goes through this one
 * egress agent, built from EGRESS_ALLOW. One per process: its connections
 * are pooled per origin.
 */
@Injectable()
export class OutboundHttp {
  readonly policy: EgressPolicy;
  readonly dispatcher: FetchDispatcher;

  constructor(@Inject(egressSection.token) egress: EgressConfig) {
    this.policy = new EgressPolicy(egress.allow);
    this.dispatcher = createEgressAgent(this.policy);
  }

  /** `fetch` through the egress agent. Redirects are not followed unless `init.redirect` asks: a 3xx comes back as the answer. */
  fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    return fetch(url, { redirect: 'manual', ...init, dispatcher: this.dispatcher });
  }

  /** The early check of a URL when it is configured (see checkOutboundUrl). */
  checkUrl(raw: string, rules: OutboundUrlRules): OutboundUrlCheck {
    return checkOutboundUrl(raw, this.policy, rules);
  }
}
