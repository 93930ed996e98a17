import { Injectable } from '@nestjs/common';

import type { RecordedEvent } from '@wahooks/event-store';
import { InboundTopics } from '@wahooks/events-contract';
import { AddressBookEntry, AddressBookSync, evolveAddressBookEntry } from '@wahooks/inbound-domain';
import type { OutboxMessage } from '@wahooks/outbox';
import type { SqlTx } from '@wahooks/prisma';

import { AddressBookRepository } from './address-book.repository';
import { contactSynced } from './address-book.view';
import { asContactSyncedData, contactSyncMetaKey, InboundEventTypes, syncTimeMs } from './inbound-events.mapper';

export interface AddressBookResult {
  outbox: OutboxMessage[];
  /** Syncs that changed an entry. */
  applied: Array<{ tenantId: string; sync: AddressBookSync }>;
  /** Stored, not folded: an action the contract does not know, or an entry that names no one. */
  ignored: Array<{ tenantId: string; position: bigint; reason: 'unknown_action' | 'no_identity'; rawAction: string | null }>;
}

/**
 * Folds `inbound.contact.synced` events into `inbound_address_book`, live
 * and in rebuilds (which do not publish). Each entry is its latest sync by
 * Meta time, then global position (`evolveAddressBookEntry`), so the table
 * does not depend on the order events are applied in.
 */
@Injectable()
export class AddressBookProjector {
  constructor(private readonly repo: AddressBookRepository) {}

  async apply(tx: SqlTx, events: readonly RecordedEvent[], options: { publish: boolean }): Promise<AddressBookResult> {
    const out: AddressBookResult = { outbox: [], applied: [], ignored: [] };
    const byTenant = new Map<string, Array<{ sync: AddressBookSync; metaKey: string }>>();
    for (const e of [...events].filter((x) => x.type === InboundEventTypes.contactSynced).sort((a, b) => (a.globalPosition < b.globalPosition ? -1 : 1))) {
      const sync = syncOf(e);
      if (typeof sync === 'string') {
        out.ignored.push({ tenantId: e.tenantId, position: e.globalPosition, reason: sync, rawAction: asContactSyncedData(e).rawAction });
        continue;
      }
      const tenantSyncs = byTenant.get(e.tenantId) ?? [];
      tenantSyncs.push({ sync, metaKey: contactSyncMetaKey(e.idempotencyKey) });
      byTenant.set(e.tenantId, tenantSyncs);
    }
    for (const [tenantId, syncs] of byTenant) {
      const book = await this.repo.load(tx, tenantId, [...new Set(syncs.map((x) => x.sync.identity))]);
      const changed = new Map<string, AddressBookEntry>();
      for (const { sync, metaKey } of syncs) {
        const current = book.get(sync.identity) ?? null;
        const next = evolveAddressBookEntry(current, sync);
        if (next === current) continue;
        book.set(sync.identity, next);
        changed.set(sync.identity, next);
        out.applied.push({ tenantId, sync });
        if (options.publish) out.outbox.push(publication(tenantId, sync, metaKey));
      }
      await this.repo.upsert(tx, tenantId, [...changed.values()]);
    }
    return out;
  }
}

function syncOf(e: RecordedEvent): AddressBookSync | 'unknown_action' | 'no_identity' {
  const d = asContactSyncedData(e);
  if (d.action === 'unknown') return 'unknown_action';
  if (d.identity === null) return 'no_identity';
  return {
    identity: d.identity,
    action: d.action,
    phoneNumberId: d.phoneNumberId ?? d.wabaId,
    waId: d.phoneNumber,
    userId: d.userId,
    parentUserId: d.parentUserId,
    username: d.username,
    fullName: d.fullName,
    firstName: d.firstName,
    atMs: syncTimeMs(d, e.recordedAt),
    position: e.globalPosition,
  };
}

function publication(tenantId: string, s: AddressBookSync, metaKey: string): OutboxMessage {
  return { tenantId, topic: InboundTopics.contacts, key: tenantId, payload: contactSynced(tenantId, s), idempotencyKey: `contact-synced:${tenantId}:${metaKey}` };
}
