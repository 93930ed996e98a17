import { idempotencyKey } from './idempotency';
import type { EventBase, UnknownEvent, UnknownReason } from './meta-event.types';

/** Where a change sits in the delivery and what it is about; shared by every event it yields. */
export interface ChangeScope {
  readonly field: string;
  readonly wabaId: string;
  readonly entryIndex: number;
  readonly changeIndex: number;
  readonly entryTime: number | undefined;
  readonly phoneNumberId: string | undefined;
  readonly displayPhoneNumber: string | undefined;
}

/** An entry-level problem has no change, so no field or change index. */
export type UnknownScope = Omit<ChangeScope, 'field' | 'changeIndex' | 'phoneNumberId' | 'displayPhoneNumber'> &
  Partial<Pick<ChangeScope, 'field' | 'changeIndex' | 'phoneNumberId' | 'displayPhoneNumber'>>;

/**
 * The common part of an event. `identity` must name the logical event and
 * nothing about the delivery it came in (no indexes): Meta may re-batch a
 * retry differently, and the key must survive that.
 */
export function baseOf(scope: ChangeScope, identity: readonly unknown[], raw: unknown): Omit<EventBase, 'itemIndex'> {
  return {
    field: scope.field,
    wabaId: scope.wabaId,
    phoneNumberId: scope.phoneNumberId,
    displayPhoneNumber: scope.displayPhoneNumber,
    entryIndex: scope.entryIndex,
    changeIndex: scope.changeIndex,
    entryTime: scope.entryTime,
    idempotencyKey: idempotencyKey(identity),
    raw,
  };
}

export function unknownEvent(
  scope: UnknownScope,
  reason: UnknownReason,
  raw: unknown,
  options: { readonly itemIndex?: number; readonly detail?: string; readonly identity?: readonly unknown[] } = {},
): UnknownEvent {
  return {
    kind: 'unknown',
    reason,
    detail: options.detail,
    field: scope.field,
    wabaId: scope.wabaId,
    phoneNumberId: scope.phoneNumberId,
    displayPhoneNumber: scope.displayPhoneNumber,
    entryIndex: scope.entryIndex,
    changeIndex: scope.changeIndex,
    itemIndex: options.itemIndex,
    entryTime: scope.entryTime,
    // Reason and raw content identify it, scoped like a known event of the
    // same place would be; the entry time separates two identical unknown
    // management payloads that really happened twice.
    idempotencyKey: idempotencyKey(
      options.identity ?? [
        'unknown',
        scope.wabaId,
        scope.phoneNumberId ?? null,
        scope.field ?? null,
        reason,
        scope.entryTime ?? null,
        raw,
      ],
    ),
    raw,
  };
}

/**
 * Management fields carry no id: the event is its field and value, scoped by
 * the WABA, plus `entry.time`. Without the time, a second real
 * ACCOUNT_RECONNECTED (same value, another day) would be swallowed as a
 * duplicate; with it, the failure mode if Meta ever re-stamped a retry is a
 * duplicate delivery, never a lost one.
 */
export function managementBaseOf(
  scope: ChangeScope,
  value: unknown,
): Omit<EventBase, 'itemIndex'> & { readonly itemIndex: undefined } {
  return {
    ...baseOf(scope, ['management', scope.wabaId, scope.field, scope.entryTime ?? null, value], value),
    itemIndex: undefined,
  };
}
