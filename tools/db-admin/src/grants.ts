/**
 * The grant table: per table, what each app's role may do. The owner role
 * (which runs the migrations) owns every table and is not listed; a role not
 * listed for a table gets nothing on it. `db-admin grant` makes the database
 * match this table after every migration (it also revokes what is not here;
 * a table this file does not list gets nothing), and a unit test fails when a
 * migration creates a table without an entry here. docs/database.md shows the
 * same table.
 *
 * Letters: S SELECT, I INSERT, U UPDATE, D DELETE, T TRUNCATE. INSERT on a
 * table with a serial column also grants USAGE on its sequence.
 */
import { DatabaseApp } from '@wahooks/config';

export type Privilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'TRUNCATE';
/** Some of "SIUDT", in that order. */
export type Letters = string;

export interface TableEntry {
  grants: Partial<Record<DatabaseApp, Letters>>;
  /** Why each role needs what it gets (the code that uses it). */
  why: string;
}

const CONSUMERS = ['status-projector', 'fallback-trigger', 'template-monitor', 'inbound-reply'] as const;
const consumers = (letters: Letters): TableEntry['grants'] => Object.fromEntries(CONSUMERS.map((app) => [app, letters]));

export const TABLE_GRANTS: Record<string, TableEntry> = {
  // ---- tenant registry (libs/shared/tenancy): the intake's admin API and the tenant CLI write it
  tenants: {
    grants: { intake: 'SIU', ...consumers('S') },
    why: 'intake: directory snapshot, admin API create/update; consumers: the API-key guard checks the tenant is enabled, template-monitor that it exists',
  },
  tenant_app_secrets: {
    grants: { intake: 'SIU' },
    why: 'intake only: the directory decrypts them to verify signatures; add and revoke (UPDATE revoked_at). No consumer reads Meta app secrets',
  },
  tenant_wabas: { grants: { intake: 'SI' }, why: 'intake: platform-URL routing, admin API adds routes; the unrouted replay reads them (run as intake)' },
  tenant_phone_numbers: { grants: { intake: 'SI' }, why: 'as tenant_wabas' },
  tenant_api_keys: {
    grants: { intake: 'SIU', ...consumers('S') },
    why: 'intake: admin API creates and revokes (UPDATE revoked_at); consumers: the read APIs authenticate keys (hash only)',
  },

  // ---- event store (libs/shared/event-store): append-only for everyone
  events: {
    grants: consumers('SI'),
    why: 'append (INSERT ... ON CONFLICT DO NOTHING RETURNING) and read; never UPDATE, DELETE or TRUNCATE: privileges refuse them before the trigger does',
  },
  event_streams: { grants: consumers('SIU'), why: 'appends lock (INSERT ... ON CONFLICT DO UPDATE ... WHERE false) and bump each stream version' },
  projection_checkpoints: { grants: consumers('SIU'), why: 'rebuilds read and upsert their checkpoint' },

  // ---- transactional outbox (libs/shared/outbox): written in each consumer's transaction, drained by its relay
  outbox: { grants: consumers('SIUD'), why: 'consumers insert; the relay claims rows (SELECT ... FOR UPDATE SKIP LOCKED needs UPDATE) and deletes the published ones' },
  outbox_parked: { grants: consumers('SI'), why: 'the relay moves rows the broker refuses for good here; /metrics counts them' },

  // ---- status-projector
  message_status: {
    grants: { 'status-projector': 'SIUT', 'inbound-reply': 'S' },
    why: 'status-projector: projection upsert, read API, stall scan, rebuild (TRUNCATE); inbound-reply: reads our internal id of the message a customer replied to',
  },

  // ---- fallback-trigger
  fallback_message: { grants: { 'fallback-trigger': 'SIUT' }, why: 'projection upsert, read API, time-based scan, rebuild (TRUNCATE)' },
  marketing_suppression: { grants: { 'fallback-trigger': 'SIUT' }, why: 'projection upsert, read API, rebuild (TRUNCATE)' },
  fallback_sms: { grants: { 'fallback-trigger': 'SIU' }, why: 'SMS requests: inserted once, leased (FOR UPDATE SKIP LOCKED) and updated by the dispatcher; kept by rebuilds' },

  // ---- template-monitor
  template_states: { grants: { 'template-monitor': 'SIUT' }, why: 'projection upsert, read API, rebuild (TRUNCATE)' },
  waba_health: { grants: { 'template-monitor': 'SIUT' }, why: 'projection upsert, read API, rebuild (TRUNCATE)' },
  monitor_alerts: { grants: { 'template-monitor': 'SI' }, why: 'alerts are inserted once and read' },
  alert_endpoints: { grants: { 'template-monitor': 'SIU' }, why: 'admin endpoint upserts a tenant\'s URL and secret; the dispatcher reads them' },
  alert_deliveries: { grants: { 'template-monitor': 'SIU' }, why: 'inserted with their alert, leased (FOR UPDATE SKIP LOCKED) and updated by the dispatcher' },
  alert_delivery_attempts: { grants: { 'template-monitor': 'SI' }, why: 'one row per HTTP attempt, read by the API' },

  // ---- inbound-reply
  inbound_messages: { grants: { 'inbound-reply': 'SIUT' }, why: 'insert, move to a merged contact\'s conversations (UPDATE), read API, rebuild (TRUNCATE)' },
  inbound_contacts: { grants: { 'inbound-reply': 'SIUDT' }, why: 'upsert, delete a contact merged into another, rebuild (TRUNCATE)' },
  inbound_contact_aliases: { grants: { 'inbound-reply': 'SIUT' }, why: 'insert, repoint to a merged contact (UPDATE), rebuild (TRUNCATE)' },
  inbound_conversations: { grants: { 'inbound-reply': 'SIUDT' }, why: 'upsert, delete a merged contact\'s conversations, rebuild (TRUNCATE)' },
  inbound_address_book: { grants: { 'inbound-reply': 'SIUT' }, why: 'upsert, read API, rebuild (TRUNCATE)' },
  inbound_media: { grants: { 'inbound-reply': 'SIU' }, why: 'download jobs: inserted, leased (FOR UPDATE SKIP LOCKED) and updated by the fetcher; kept by rebuilds' },

  // ---- Prisma's own
  _prisma_migrations: { grants: {}, why: 'the migration history: the owner only' },
};

const LETTERS: Record<string, Privilege> = { S: 'SELECT', I: 'INSERT', U: 'UPDATE', D: 'DELETE', T: 'TRUNCATE' };

export function privilegesOf(letters: Letters): Privilege[] {
  if (!/^S?I?U?D?T?$/.test(letters)) throw new Error(`grant letters "${letters}" must be some of SIUDT, in that order`);
  return [...letters].map((l) => LETTERS[l] as Privilege);
}

/** Every privilege the table grants each role. */
export function desiredTablePrivileges(table: string): Map<DatabaseApp, Privilege[]> {
  const entry = TABLE_GRANTS[table];
  if (!entry) throw new Error(`table ${table} is not in the grant table (tools/db-admin/src/grants.ts)`);
  return new Map(Object.entries(entry.grants).map(([app, letters]) => [app as DatabaseApp, privilegesOf(letters ?? '')]));
}
