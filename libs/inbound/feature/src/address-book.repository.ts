import { Injectable } from '@nestjs/common';

import type { AddressBookEntry } from '@wahooks/inbound-domain';
import type { SqlTx } from '@wahooks/prisma';

/** A row of `inbound_address_book`, as the read API gets it. */
export interface AddressBookRow {
  identity: string;
  phone_number_id: string;
  wa_id: string | null;
  user_id: string | null;
  parent_user_id: string | null;
  username: string | null;
  full_name: string | null;
  first_name: string | null;
  removed: boolean;
  synced_at: Date;
}

export const ADDRESS_BOOK_COLUMNS = 'identity, phone_number_id, wa_id, user_id, parent_user_id, username, full_name, first_name, removed, synced_at';

/** `inbound_address_book`, written in the consumer's transaction. */
@Injectable()
export class AddressBookRepository {
  /** The stored entries among these identities. */
  async load(tx: SqlTx, tenantId: string, identities: string[]): Promise<Map<string, AddressBookEntry>> {
    if (identities.length === 0) return new Map();
    const rows = await tx.$queryRawUnsafe<Array<AddressBookRow & { last_position: bigint | string }>>(
      `SELECT ${ADDRESS_BOOK_COLUMNS}, last_position FROM inbound_address_book WHERE tenant_id = $1 AND identity = ANY($2::text[])`,
      tenantId,
      identities,
    );
    return new Map(
      rows.map((r) => [
        r.identity,
        {
          identity: r.identity,
          phoneNumberId: r.phone_number_id,
          waId: r.wa_id,
          userId: r.user_id,
          parentUserId: r.parent_user_id,
          username: r.username,
          fullName: r.full_name,
          firstName: r.first_name,
          removed: r.removed,
          atMs: new Date(r.synced_at).getTime(),
          position: BigInt(r.last_position),
        },
      ]),
    );
  }

  /**
   * Entries the fold changed. The guard keeps the later sync (Meta time, then
   * position) even if another writer got there first: the fold's own rule, in SQL.
   */
  async upsert(tx: SqlTx, tenantId: string, entries: AddressBookEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO inbound_address_book AS b (tenant_id, identity, phone_number_id, wa_id, user_id, parent_user_id, username, full_name, first_name, removed, synced_at, last_position, updated_at)
       SELECT $1, identity, phone_number_id, wa_id, user_id, parent_user_id, username, full_name, first_name, removed, synced_at, last_position, now()
       FROM jsonb_to_recordset($2::jsonb) AS r(identity text, phone_number_id text, wa_id text, user_id text, parent_user_id text, username text,
         full_name text, first_name text, removed boolean, synced_at timestamptz, last_position bigint)
       ON CONFLICT (tenant_id, identity) DO UPDATE SET phone_number_id = EXCLUDED.phone_number_id, wa_id = EXCLUDED.wa_id, user_id = EXCLUDED.user_id,
         parent_user_id = EXCLUDED.parent_user_id, username = EXCLUDED.username, full_name = EXCLUDED.full_name, first_name = EXCLUDED.first_name,
         removed = EXCLUDED.removed, synced_at = EXCLUDED.synced_at, last_position = EXCLUDED.last_position, updated_at = now()
       WHERE (EXCLUDED.synced_at, EXCLUDED.last_position) > (b.synced_at, b.last_position)`,
      tenantId,
      JSON.stringify(
        entries.map((e) => ({
          identity: e.identity,
          phone_number_id: e.phoneNumberId,
          wa_id: e.waId,
          user_id: e.userId,
          parent_user_id: e.parentUserId,
          username: e.username,
          full_name: e.fullName,
          first_name: e.firstName,
          removed: e.removed,
          synced_at: new Date(e.atMs).toISOString(),
          last_position: e.position.toString(),
        })),
      ),
    );
  }

  async truncate(tx: SqlTx): Promise<void> {
    await tx.$executeRawUnsafe('TRUNCATE inbound_address_book');
  }
}
