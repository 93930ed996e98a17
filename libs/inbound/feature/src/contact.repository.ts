import { Injectable } from '@nestjs/common';

import { ContactState, initialContact } from '@wahooks/inbound-domain';
import type { SqlTx } from '@wahooks/prisma';

export interface ProjectedContact {
  tenantId: string;
  state: ContactState;
  lastPosition: bigint;
}

/** `inbound_contacts` and `inbound_contact_aliases`, written in the consumer's transaction. */
@Injectable()
export class ContactRepository {
  /** identity → contact id, for the identities given. */
  async aliases(tx: SqlTx, tenantId: string, identities: string[]): Promise<Map<string, string>> {
    if (identities.length === 0) return new Map();
    const rows = await tx.$queryRawUnsafe<Array<{ identity: string; contact_id: string }>>(
      `SELECT identity, contact_id FROM inbound_contact_aliases WHERE tenant_id = $1 AND identity = ANY($2::text[])`,
      tenantId,
      identities,
    );
    return new Map(rows.map((r) => [r.identity, r.contact_id]));
  }

  /** First link wins: an identity never moves to another contact. */
  async link(tx: SqlTx, tenantId: string, links: Array<{ identity: string; contactId: string }>): Promise<void> {
    if (links.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO inbound_contact_aliases (tenant_id, identity, contact_id)
       SELECT $1, r.identity, r.contact_id FROM jsonb_to_recordset($2::jsonb) AS r(identity text, contact_id text)
       ON CONFLICT DO NOTHING`,
      tenantId,
      JSON.stringify(links.map((l) => ({ identity: l.identity, contact_id: l.contactId }))),
    );
  }

  async load(tx: SqlTx, tenantId: string, contactId: string): Promise<ProjectedContact> {
    const [row] = await tx.$queryRawUnsafe<Array<{ state: ContactState; last_position: bigint }>>(
      `SELECT state, last_position FROM inbound_contacts WHERE tenant_id = $1 AND contact_id = $2`,
      tenantId,
      contactId,
    );
    return row ? { tenantId, state: row.state, lastPosition: BigInt(row.last_position) } : { tenantId, state: initialContact(contactId), lastPosition: 0n };
  }

  async upsert(tx: SqlTx, contacts: ProjectedContact[]): Promise<void> {
    if (contacts.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO inbound_contacts (tenant_id, contact_id, wa_id, user_id, state, last_position, updated_at)
       SELECT tenant_id, contact_id, wa_id, user_id, state, last_position, now()
       FROM jsonb_to_recordset($1::jsonb) AS r(tenant_id text, contact_id text, wa_id text, user_id text, state jsonb, last_position bigint)
       ON CONFLICT (tenant_id, contact_id) DO UPDATE SET wa_id = EXCLUDED.wa_id, user_id = EXCLUDED.user_id, state = EXCLUDED.state,
         last_position = EXCLUDED.last_position, updated_at = now()`,
      JSON.stringify(
        contacts.map((c) => ({
          tenant_id: c.tenantId,
          contact_id: c.state.contactId,
          wa_id: c.state.waId?.value ?? null,
          user_id: c.state.userId?.value ?? null,
          state: c.state,
          last_position: c.lastPosition.toString(),
        })),
      ),
    );
  }

  async truncate(tx: SqlTx): Promise<void> {
    await tx.$executeRawUnsafe('TRUNCATE inbound_contacts, inbound_contact_aliases');
  }
}
