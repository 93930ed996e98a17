import { Injectable } from '@nestjs/common';

import { PrismaService } from '@wahooks/prisma';
import type { AccountState, PhoneState, TemplateState } from '@wahooks/template-domain';

export interface TemplateQueryRow {
  waba_id: string;
  name: string;
  language: string;
  template_id: string | null;
  status: string | null;
  quality: string | null;
  category: string | null;
  pause_ends_at: Date | null;
  last_event_at: Date | null;
  state: TemplateState;
}

export interface HealthQueryRow {
  kind: 'phone' | 'account';
  waba_id: string;
  subject: string;
  state: PhoneState | AccountState;
  updated_at: Date;
}

const TEMPLATE_SELECT = `SELECT waba_id, name, language, template_id, status, quality, category, pause_ends_at, last_event_at, state FROM template_states`;

/** Reads of the projections; the tenant the API key authenticated is always the first predicate. */
@Injectable()
export class MonitorQueryRepository {
  constructor(private readonly prisma: PrismaService) {}

  async templates(tenantId: string, f: { status?: string; wabaId?: string; name?: string; language?: string; limit: number }): Promise<TemplateQueryRow[]> {
    const params: unknown[] = [tenantId];
    const where = ['tenant_id = $1'];
    if (f.status) where.push(`status = $${params.push(f.status)}`);
    if (f.wabaId) where.push(`waba_id = $${params.push(f.wabaId)}`);
    if (f.name) where.push(`name = $${params.push(f.name)}`);
    if (f.language) where.push(`language = $${params.push(f.language)}`);
    params.push(f.limit);
    return this.prisma.$queryRawUnsafe<TemplateQueryRow[]>(`${TEMPLATE_SELECT} WHERE ${where.join(' AND ')} ORDER BY waba_id, name, language LIMIT $${params.length}`, ...params);
  }

  async health(tenantId: string, kind: 'phone' | 'account', wabaId?: string): Promise<HealthQueryRow[]> {
    const params: unknown[] = [tenantId, kind];
    const byWaba = wabaId ? ` AND waba_id = $${params.push(wabaId)}` : '';
    return this.prisma.$queryRawUnsafe<HealthQueryRow[]>(
      `SELECT kind, waba_id, subject, state, updated_at FROM waba_health WHERE tenant_id = $1 AND kind = $2${byWaba} ORDER BY waba_id, subject LIMIT 1000`,
      ...params,
    );
  }
}
