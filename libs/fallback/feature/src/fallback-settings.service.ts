import { Inject, Injectable } from '@nestjs/common';

import { FallbackConfig, fallbackSection } from '@wahooks/config';
import { ActionOverrides, FALLBACK_ACTIONS, isFallbackAction } from '@wahooks/fallback-domain';

/**
 * The fallback section of the configuration, resolved per tenant. Tenant
 * action overrides are checked against the policy's action names here, at
 * start-up: a typo must stop the service, not silently fall back to defaults.
 */
@Injectable()
export class FallbackSettings {
  private readonly overrides = new Map<string, ActionOverrides>();

  constructor(@Inject(fallbackSection.token) readonly config: FallbackConfig) {
    for (const [tenantId, o] of Object.entries(this.config.byTenant)) {
      const actions: Record<string, (typeof FALLBACK_ACTIONS)[number]> = {};
      for (const [code, action] of Object.entries(o.actions ?? {})) {
        if (!isFallbackAction(action)) {
          throw new Error(`FALLBACK_TENANT_OVERRIDES: tenant ${tenantId}, code ${code}: "${action}" is not one of ${FALLBACK_ACTIONS.join(', ')}`);
        }
        actions[code] = action;
      }
      this.overrides.set(tenantId, actions);
    }
  }

  overridesFor(tenantId: string): ActionOverrides {
    return this.overrides.get(tenantId) ?? {};
  }

  maxRetriesFor(tenantId: string): number {
    return this.config.byTenant[tenantId]?.maxRetries ?? this.config.maxRetries;
  }

  /** 0: the time-based fallback is off for this tenant. */
  undeliveredAfterMsFor(tenantId: string): number {
    return this.config.byTenant[tenantId]?.undeliveredAfterMs ?? this.config.undeliveredAfterMs;
  }

  /** The shortest non-zero wait any tenant has, or 0 when the time-based fallback is off everywhere. */
  shortestUndeliveredMs(): number {
    const all = [this.config.undeliveredAfterMs, ...Object.values(this.config.byTenant).map((o) => o.undeliveredAfterMs ?? 0)].filter((n) => n > 0);
    return all.length === 0 ? 0 : Math.min(...all);
  }
}
