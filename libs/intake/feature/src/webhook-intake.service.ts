import { hash } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';

import { PlatformConfig, platformSection, RecordProofConfig, recordProofSection } from '@wahooks/config';
import { RAW_SCHEMA_VERSION, RawHeaders, RawRoute, Topics } from '@wahooks/events-contract';
import { ProducerOverloadedError, PublishTimeoutError, OutgoingRecord } from '@wahooks/kafka';
import { contentLabel, decideRouting, Envelope, entryRoutingKeys, parseWebhookBody, splitEnvelopeByEntries, verifyMetaSignature } from '@wahooks/meta-contract';
import { RecordProof } from '@wahooks/consumer-runtime';
import { MetricsService } from '@wahooks/observability';
import { digestsEqual, ResolvedTenant, sha256Hex, TenantDirectory } from '@wahooks/tenancy';

import { HandshakeOutcome, HandshakeQuery, IntakeOutcome, IntakeRequest } from './intake.types';
import { RawPublisher } from './raw-publisher.service';
import { traceparentFor } from './trace-context';

/**
 * Verifies, routes and publishes webhook deliveries. The order is the
 * contract: authenticate the raw bytes first, parse only what is authentic,
 * and acknowledge only what the broker acknowledged.
 */
@Injectable()
export class WebhookIntakeService {
  private readonly logger = new Logger(WebhookIntakeService.name);
  private readonly platformVerifyHash: string | undefined;
  private readonly requests;
  private readonly signatureFailures;
  private readonly unroutedEntries;
  /** Consumers accept a raw record only with this proof (docs/security.md). */
  private readonly proof: RecordProof;
  private readonly memoryRefusals;

  constructor(
    private readonly tenants: TenantDirectory,
    private readonly publisher: RawPublisher,
    @Inject(platformSection.token) private readonly platform: PlatformConfig,
    @Inject(recordProofSection.token) recordProof: RecordProofConfig,
    metrics: MetricsService,
  ) {
    this.proof = new RecordProof(recordProof.keys);
    const token = platform.verifyToken;
    this.platformVerifyHash = token ? sha256Hex(token) : undefined;
    this.requests = metrics.bufferedCounter('wahooks_intake_requests_total', 'Webhook POSTs by outcome', ['tenant', 'route', 'outcome']);
    this.unroutedEntries = metrics.bufferedCounter('wahooks_intake_unrouted_deliveries_total', 'Platform-URL deliveries with entries of WABAs no tenant owns, kept on the unrouted topic', []);
    this.signatureFailures = metrics.counter(
      'wahooks_intake_signature_failures_total',
      'Failed signature verifications; a spike usually means a rotated Meta app secret',
      ['tenant'],
    );
    this.memoryRefusals = metrics.counter(
      'wahooks_intake_memory_refusals_total',
      'Webhook POSTs answered 503 unread because request bodies in flight reached INTAKE_MAX_INFLIGHT_BYTES',
      ['route'],
    );
  }

  /** Without platform app secrets nothing can be verified there: its POSTs get 404 before their bodies are read. */
  get platformEnabled(): boolean {
    return this.platform.appSecrets.length > 0;
  }

  /**
   * The enabled tenant of a tenant-URL POST, looked up before its body is
   * read (undefined: unknown or disabled, answered 404 unread). Synchronous
   * when the directory's snapshot has the id: the hot path never awaits it.
   */
  tenantFor(tenantId: string): ResolvedTenant | undefined | Promise<ResolvedTenant | undefined> {
    const cached = this.tenants.cachedById(tenantId);
    if (cached !== undefined) return cached.disabled ? undefined : cached;
    return this.tenants.byId(tenantId).then((t) => (t && !t.disabled ? t : undefined));
  }

  /** Counts (and logs, like every refusal) a POST answered before its body was read. */
  refuseUnread(tenant: string, route: RawRoute, outcome: IntakeOutcome): IntakeOutcome {
    if (outcome.kind === 'unavailable' && outcome.reason === 'memory') this.memoryRefusals.inc({ route });
    return this.count(tenant, route, outcome);
  }

  handshake(tenant: ResolvedTenant | undefined | 'platform', query: HandshakeQuery): HandshakeOutcome {
    const expected = tenant === 'platform' ? this.platformVerifyHash : tenant?.verifyTokenHash;
    if (!tenant || (tenant !== 'platform' && tenant.disabled) || !expected) return { kind: 'unknown-tenant' };
    const token = query['hub.verify_token'];
    const challenge = query['hub.challenge'];
    if (query['hub.mode'] !== 'subscribe' || !token || challenge === undefined) return { kind: 'forbidden' };
    return digestsEqual(sha256Hex(token), expected) ? { kind: 'ok', challenge } : { kind: 'forbidden' };
  }

  /**
   * POST /webhooks/whatsapp/:tenantId — a tenant with its own Meta app. Looked
   * up again (a Map read) although `tenantFor` admitted it: a tenant disabled
   * or a secret revoked while the body was arriving counts.
   */
  async ingestForTenant(tenantId: string, req: IntakeRequest): Promise<IntakeOutcome> {
    const tenant = this.tenants.cachedById(tenantId) ?? (await this.tenants.byId(tenantId));
    if (!tenant || tenant.disabled) return this.count('unknown', 'tenant-url', { kind: 'unknown-tenant' });
    if (!verifyMetaSignature(req.rawBody, req.signatureHeader, tenant.appSecrets)) {
      // A secret this pod cannot decrypt (wrong SECRETS_ENCRYPTION_KEY) may be the one Meta signed with: our fault, so 503.
      if (tenant.unreadableSecrets > 0) {
        return this.count(tenant.id, 'tenant-url', { kind: 'unavailable', reason: 'secrets', message: 'an app secret of this tenant cannot be decrypted on this instance' });
      }
      this.signatureFailures.inc({ tenant: tenant.id });
      return this.count(tenant.id, 'tenant-url', { kind: 'bad-signature', tenantId: tenant.id });
    }
    const parsed = parseWebhookBody(req.rawBody);
    if (!parsed.ok) return this.count(tenant.id, 'tenant-url', { kind: 'malformed', message: parsed.error.message });
    const deliveryId = deliveryIdOf(req.rawBody);
    const record = this.record(tenant.id, req.rawBody, req, deliveryId, 'tenant-url', contentLabel(parsed.envelope));
    return this.count(tenant.id, 'tenant-url', await this.publish([record], [tenant.id], deliveryId));
  }

  /** POST /webhooks/whatsapp — one platform Meta app for many tenants, routed per entry. */
  async ingestForPlatform(req: IntakeRequest): Promise<IntakeOutcome> {
    if (this.platform.appSecrets.length === 0) return this.count('unknown', 'platform-url', { kind: 'unknown-tenant' });
    if (!verifyMetaSignature(req.rawBody, req.signatureHeader, this.platform.appSecrets)) {
      this.signatureFailures.inc({ tenant: 'platform' });
      return this.count('platform', 'platform-url', { kind: 'bad-signature' });
    }
    const parsed = parseWebhookBody(req.rawBody);
    if (!parsed.ok) return this.count('platform', 'platform-url', { kind: 'malformed', message: parsed.error.message });

    const envelope = parsed.envelope;
    const decision = decideRouting(await this.entryTenants(envelope));
    const deliveryId = deliveryIdOf(req.rawBody);
    const records: OutgoingRecord[] = [];
    let tenants: string[];
    let unrouted: number[] = [];
    if (decision.kind === 'whole') {
      tenants = [decision.tenantId];
      records.push(this.record(decision.tenantId, req.rawBody, req, deliveryId, 'platform-url', contentLabel(envelope)));
    } else if (decision.kind === 'split') {
      tenants = decision.parts.map((p) => p.tenantId);
      for (const { tenantId, entries } of decision.parts) {
        records.push(this.record(tenantId, Buffer.from(splitEnvelopeByEntries(envelope, entries)), req, `${deliveryId}:${tenantId}`, 'platform-url', contentLabel(envelope, entries), req.rawBody));
      }
      // Entries of WABAs no tenant owns (yet) are kept, not dropped: `npm run unrouted:replay` routes them once registered.
      unrouted = decision.unrouted;
      if (unrouted.length > 0) records.push(this.unrouted(envelope, unrouted, Buffer.from(splitEnvelopeByEntries(envelope, unrouted)), req, `${deliveryId}:unrouted`, req.rawBody));
    } else {
      // No entry has a tenant: the signed body as it came, all of it kept for replay, and Meta gets its 200.
      tenants = [];
      unrouted = decision.entries;
      records.push(this.unrouted(envelope, unrouted, req.rawBody, req, deliveryId));
    }
    const outcome = await this.publish(records, tenants, deliveryId);
    if (unrouted.length > 0 && outcome.kind === 'accepted') {
      this.unroutedEntries.inc();
      const wabaIds = [...new Set(unrouted.map((i) => entryRoutingKeys(envelope.entry[i] ?? {}).wabaId))].slice(0, 20);
      this.logger.warn({ deliveryId, entries: unrouted.length, wabaIds }, 'entries for unknown WABAs kept on the unrouted topic');
    }
    for (const t of tenants.length > 0 ? tenants : ['unrouted']) this.requests.inc(t, 'platform-url', outcome.kind);
    return outcome;
  }

  /** The tenant that owns each entry, by WABA id first, then by phone number id. */
  private async entryTenants(envelope: Envelope): Promise<Array<string | undefined>> {
    const owners: Array<string | undefined> = [];
    for (const entry of envelope.entry) {
      const keys = entryRoutingKeys(entry);
      let tenant = keys.wabaId ? await this.tenants.byWaba(keys.wabaId) : undefined;
      for (const phone of keys.phoneNumberIds) {
        if (tenant) break;
        tenant = await this.tenants.byPhoneNumber(phone);
      }
      owners.push(tenant && !tenant.disabled ? tenant.id : undefined);
    }
    return owners;
  }

  private unrouted(envelope: Envelope, entries: number[], value: Buffer, req: IntakeRequest, deliveryId: string, originalBody?: Buffer): OutgoingRecord {
    return {
      topic: Topics.webhooksUnrouted,
      key: entryRoutingKeys(envelope.entry[entries[0] ?? 0] ?? {}).wabaId || 'unknown',
      value,
      headers: { ...this.headers('unrouted', req, deliveryId, 'platform-url', originalBody), [RawHeaders.intakeProof]: this.proof.sign('unrouted', value) },
    };
  }

  private record(
    tenantId: string,
    value: Buffer,
    req: IntakeRequest,
    deliveryId: string,
    route: RawRoute,
    content: string,
    originalBody?: Buffer,
  ): OutgoingRecord {
    const headers = this.headers(tenantId, req, deliveryId, route, originalBody);
    headers[RawHeaders.content] = content;
    // The body as Meta signed it: its delivery id is already its sha256 (no second pass over the bytes).
    headers[RawHeaders.intakeProof] = this.proof.sign(tenantId, value, originalBody === undefined ? deliveryId : undefined);
    return { topic: Topics.webhooksRaw, key: tenantId, value, headers };
  }

  private headers(tenantId: string, req: IntakeRequest, deliveryId: string, route: RawRoute, originalBody?: Buffer): Record<string, string | Buffer> {
    return {
      [RawHeaders.tenantId]: tenantId,
      [RawHeaders.receivedAt]: req.receivedAt.toISOString(),
      [RawHeaders.deliveryId]: deliveryId,
      [RawHeaders.signature]: req.signatureHeader ?? '',
      [RawHeaders.route]: route,
      [RawHeaders.traceparent]: traceparentFor(req.traceparent),
      [RawHeaders.schemaVersion]: RAW_SCHEMA_VERSION,
      ...(originalBody ? { [RawHeaders.originalBody]: originalBody } : {}),
    };
  }

  private async publish(records: OutgoingRecord[], tenants: string[], deliveryId: string): Promise<IntakeOutcome> {
    try {
      await this.publisher.publish(records);
      return { kind: 'accepted', tenants, deliveryId };
    } catch (error) {
      const reason =
        error instanceof PublishTimeoutError ? 'timeout' : error instanceof ProducerOverloadedError ? 'overloaded' : 'broker';
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error({ tenants, deliveryId, reason, err: message }, 'webhook not acknowledged by Kafka; answering 503');
      return { kind: 'unavailable', reason, message };
    }
  }

  private count(tenant: string, route: RawRoute, outcome: IntakeOutcome): IntakeOutcome {
    this.requests.inc(tenant, route, outcome.kind);
    // Webhook POSTs are not request-logged (hot path); refusals are, here.
    if (outcome.kind === 'bad-signature' || outcome.kind === 'malformed' || outcome.kind === 'unknown-tenant') {
      this.logger.warn({ tenant, route, outcome: outcome.kind, ...(outcome.kind === 'malformed' ? { reason: outcome.message } : {}) }, 'webhook refused');
    }
    return outcome;
  }
}

/** Same bytes, same id: Meta's retries of one POST share a delivery id. */
function deliveryIdOf(body: Buffer): string {
  // One-shot: no Hash object per request.
  return hash('sha256', body, 'hex');
}
