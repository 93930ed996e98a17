import type { Client } from 'pg';

import type { Oracle } from '@wahooks/simulator';

interface Part {
  name: string;
  sql: string;
  /** The row the query must return once the part is complete. */
  expected: Record<string, number>;
}

/**
 * A cheap test of whether the projections hold everything the oracle
 * expects, asked of Postgres in aggregates (a handful of counts for the
 * run's tenants) rather than through the read APIs: polled every 100 ms
 * after the last ack, it times the catch-up to a tenth of a second and
 * costs the services nothing. It is only a clock: once it says complete,
 * the oracle's comparison through the read APIs has the last word.
 *
 * Parts are asked in order and one that matched is not asked again.
 */
export class CompletenessProbe {
  private readonly parts: Part[];
  private next = 0;

  constructor(
    private readonly db: Client,
    private readonly oracle: Oracle,
  ) {
    const o = oracle;
    const grouped = (counts: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(counts).map(([k, n]) => [`"${k}"`, n]));
    this.parts = [
      // The status projector: every message in its final status (statuses only move forward).
      { name: 'status-projector', sql: `SELECT '"' || coalesce(current_status, 'none') || '"' AS k, count(*)::int AS n FROM message_status WHERE tenant_id = ANY($1::text[]) GROUP BY 1`, expected: grouped(o.totals.byStatus) },
      // The fallback trigger: every failure decided, every SMS sent.
      {
        name: 'fallback-trigger',
        sql: `SELECT 'decided' AS k, count(*)::int AS n FROM fallback_message WHERE tenant_id = ANY($1::text[]) AND decided_at IS NOT NULL
              UNION ALL SELECT 'sms sent', count(*)::int FROM fallback_message WHERE tenant_id = ANY($1::text[]) AND sms_status = 'sent'`,
        expected: { decided: o.messages.filter((m) => m.fallbackAction !== null).length, 'sms sent': o.smsFallbacks.length },
      },
      // The template monitor: every template in its final status.
      { name: 'template-monitor', sql: `SELECT '"' || coalesce(status, 'none') || '"' AS k, count(*)::int AS n FROM template_states WHERE tenant_id = ANY($1::text[]) GROUP BY 1`, expected: grouped(o.totals.templatesByStatus) },
      // inbound-reply: every message, conversation and contact, every medium stored.
      {
        name: 'inbound-reply',
        sql: `SELECT 'messages' AS k, count(*)::int AS n FROM inbound_messages WHERE tenant_id = ANY($1::text[])
              UNION ALL SELECT 'conversations', count(*)::int FROM inbound_conversations WHERE tenant_id = ANY($1::text[])
              UNION ALL SELECT 'contacts', count(*)::int FROM inbound_contacts WHERE tenant_id = ANY($1::text[])
              UNION ALL SELECT 'media stored', count(*)::int FROM inbound_media WHERE tenant_id = ANY($1::text[]) AND status = 'stored'`,
        expected: { messages: o.inbound.length, conversations: o.conversations.length, contacts: o.contacts.length, 'media stored': o.totals.inboundMedia },
      },
      // Every service: nothing left to publish.
      { name: 'outbox', sql: `SELECT 'rows' AS k, count(*)::int AS n FROM outbox WHERE tenant_id = ANY($1::text[])`, expected: { rows: 0 } },
    ];
  }

  /** Asks the parts not yet complete, in order, until one is not. */
  async check(): Promise<{ done: boolean; detail: string }> {
    while (this.next < this.parts.length) {
      const part = this.parts[this.next]!;
      const { rows } = await this.db.query<{ k: string; n: number }>(part.sql, [this.oracle.tenants]);
      const got: Record<string, number> = Object.fromEntries(rows.map((r) => [r.k, r.n]));
      for (const k of Object.keys(part.expected)) got[k] ??= 0;
      const differs = Object.keys(got).filter((k) => got[k] !== (part.expected[k] ?? 0));
      if (differs.length > 0) return { done: false, detail: `${part.name}: ${differs.map((k) => `${k} ${got[k]}/${part.expected[k] ?? 0}`).join(', ')}` };
      this.next += 1;
    }
    return { done: true, detail: 'complete' };
  }

  /** Asks every part again from the first (after the read APIs disagreed). */
  reset(): void {
    this.next = 0;
  }
}
