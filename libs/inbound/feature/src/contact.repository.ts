import { Injectable } from '@nestjs/common';

import type { ContactState } from '@wahooks/inbound-domain';
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

  /** New identities only (the projector loaded every identity a batch names first). */
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

  /** Every identity of `from` now names `into` (the contacts were found to be one customer). */
  async repoint(tx: SqlTx, tenantId: string, from: string, into: string): Promise<void> {
    await tx.$executeRawUnsafe(`UPDATE inbound_contact_aliases SET contact_id = $3 WHERE tenant_id = $1 AND contact_id = $2`, tenantId, from, into);
  }

  /** The stored contacts among these ids. */
  async loadMany(tx: SqlTx, tenantId: string, contactIds: string[]): Promise<ProjectedContact[]> {
    if (contactIds.length === 0) return [];
    const rows = await tx.$queryRawUnsafe<Array<{ contact_id: string; state: ContactState; last_position: bigint }>>(
      `SELECT contact_id, state, last_position FROM inbound_contacts WHERE tenant_id = $1 AND contact_id = ANY($2::text[])`,
      tenantId,
      contactIds,
    );
    return rows.map((r) => ({ tenantId, state: withOrigin(r.contact_id, r.state), lastPosition: BigInt(r.last_position) }));
  }

  async delete(tx: SqlTx, tenantId: string, contactIds: string[]): Promise<void> {
    if (contactIds.length === 0) return;
    await tx.$executeRawUnsafe(`DELETE FROM inbound_contacts WHERE tenant_id = $1 AND contact_id = ANY($2::text[])`, tenantId, contactIds);
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

/**
 * States written before contacts had an `origin` were named by their first
 * identity to arrive: take that as the origin, at the first time seen, so
 * the contact keeps its id (a rebuild computes the true origin).
 */
function withOrigin(contactId: string, s: ContactState): ContactState {
  if (s.origin !== undefined) return s;
  return { ...s, origin: s.firstSeenAtMs === null || contactId.startsWith('anon:') ? null : { atMs: s.firstSeenAtMs, wamid: '', identity: contactId } };
}
