import { Injectable } from '@nestjs/common';

import type { EventStoreTx } from '@wahooks/event-store';
import { PrismaService } from '@wahooks/prisma';
import { visibleAttemptError } from '@wahooks/template-domain';

import { alertIdOf, RaisedAlert } from './monitor-projector';

export interface AlertRow {
  id: string;
  alert_key: string;
  kind: string;
  severity: string;
  payload: Record<string, unknown>;
  occurred_at: Date | null;
  created_at: Date;
  delivery_id: string | null;
  delivery_status: string | null;
  attempts: number | null;
}

export interface DeliveryRow {
  delivery_id: string;
  alert_key: string;
  kind: string;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

export interface AttemptRow {
  attempt: number;
  outcome: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  at: Date;
}

/**
 * Alerts and their webhook deliveries. Both are written in the consumer's
 * transaction, unique per (tenant, alert key): a repeated fact can neither
 * raise a second alert nor queue a second delivery. Reads give errors as
 * the categories tenants may see, whatever an older row holds.
 */
@Injectable()
export class AlertRepository {
  constructor(private readonly prisma: PrismaService) {}

  async record(tx: EventStoreTx, alerts: RaisedAlert[]): Promise<number> {
    if (alerts.length === 0) return 0;
    const rows = alerts.map((a) => ({
      tenant_id: a.tenantId,
      alert_key: a.alertKey,
      kind: a.kind,
      severity: a.severity,
      payload: a.payload,
      occurred_at: a.occurredAt,
      delivery_id: `dlv_${alertIdOf(a.tenantId, a.alertKey)}`,
      body: JSON.stringify(a.payload),
    }));
    const json = JSON.stringify(rows);
    const recordset = `jsonb_to_recordset($1::jsonb) AS r(tenant_id text, alert_key text, kind text, severity text, payload jsonb, occurred_at timestamptz, delivery_id text, body text)`;
    await tx.$executeRawUnsafe(
      `INSERT INTO monitor_alerts (tenant_id, alert_key, kind, severity, payload, occurred_at)
       SELECT tenant_id, alert_key, kind, severity, payload, occurred_at FROM ${recordset}
       ON CONFLICT (tenant_id, alert_key) DO NOTHING`,
      json,
    );
    // Only tenants with an endpoint get deliveries; the endpoint is read again at send time.
    return tx.$executeRawUnsafe(
      `INSERT INTO alert_deliveries (delivery_id, tenant_id, alert_key, kind, body)
       SELECT r.delivery_id, r.tenant_id, r.alert_key, r.kind, r.body FROM ${recordset}
       JOIN alert_endpoints e ON e.tenant_id = r.tenant_id
       ON CONFLICT (tenant_id, alert_key) DO NOTHING`,
      json,
    );
  }

  async listAlerts(tenantId: string, f: { kind?: string; beforeId?: string; limit: number }): Promise<AlertRow[]> {
    const params: unknown[] = [tenantId];
    const where = ['a.tenant_id = $1'];
    if (f.kind) where.push(`a.kind = $${params.push(f.kind)}`);
    if (f.beforeId) where.push(`a.id < $${params.push(f.beforeId)}::bigint`);
    params.push(f.limit);
    return this.prisma.$queryRawUnsafe<AlertRow[]>(
      `SELECT a.id::text AS id, a.alert_key, a.kind, a.severity, a.payload, a.occurred_at, a.created_at,
              d.delivery_id, d.status AS delivery_status, d.attempts
       FROM monitor_alerts a LEFT JOIN alert_deliveries d ON d.tenant_id = a.tenant_id AND d.alert_key = a.alert_key
       WHERE ${where.join(' AND ')} ORDER BY a.id DESC LIMIT $${params.length}`,
      ...params,
    );
  }

  async listDeliveries(tenantId: string, f: { status?: string; limit: number }): Promise<DeliveryRow[]> {
    const params: unknown[] = [tenantId];
    const where = ['tenant_id = $1'];
    if (f.status) where.push(`status = $${params.push(f.status)}`);
    params.push(f.limit);
    const rows = await this.prisma.$queryRawUnsafe<DeliveryRow[]>(
      `SELECT delivery_id, alert_key, kind, status, attempts, next_attempt_at, last_status_code, last_error, created_at, finished_at
       FROM alert_deliveries WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT $${params.length}`,
      ...params,
    );
    return rows.map(visibleDelivery);
  }

  async delivery(tenantId: string, deliveryId: string): Promise<{ delivery: DeliveryRow; attempts: AttemptRow[] } | undefined> {
    const [delivery] = await this.prisma.$queryRawUnsafe<DeliveryRow[]>(
      `SELECT delivery_id, alert_key, kind, status, attempts, next_attempt_at, last_status_code, last_error, created_at, finished_at
       FROM alert_deliveries WHERE tenant_id = $1 AND delivery_id = $2`,
      tenantId,
      deliveryId,
    );
    if (!delivery) return undefined;
    const attempts = await this.prisma.$queryRawUnsafe<AttemptRow[]>(
      `SELECT attempt, outcome, status_code, error, duration_ms, at FROM alert_delivery_attempts
       WHERE tenant_id = $1 AND delivery_id = $2 ORDER BY attempt`,
      tenantId,
      deliveryId,
    );
    return { delivery: visibleDelivery(delivery), attempts: attempts.map((a) => ({ ...a, error: visibleAttemptError(a.error, a.status_code) })) };
  }
}

/** Rows as the tenant's API shows them: errors as categories (see visibleAttemptError). */
function visibleDelivery(row: DeliveryRow): DeliveryRow {
  return { ...row, last_error: visibleAttemptError(row.last_error, row.last_status_code) };
}
