/**
 * Every real payload of the corpus (144 POST bodies from five public sources,
 * `test/fixtures/meta-webhooks/` at the repository root) must parse,
 * normalise into at least one event, and yield what its MANIFEST tags say it
 * contains.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { parseWebhookBody } from './envelope';
import type { MetaEvent, MetaEventKind } from './meta-event.types';
import { normalizeEnvelope } from './normalize';

/** The repository root is four levels above this file (`libs/shared/meta-contract/src`). */
const FIXTURES_DIR =
  process.env['WAHOOKS_FIXTURES_DIR'] ?? path.resolve(__dirname, '../../../../test/fixtures/meta-webhooks');

/**
 * Fixtures allowed to yield `unknown` events, with the reason. Empty: every
 * field in the corpus is modelled. A fixture for an unmodelled field (one of
 * `UNMODELLED_FIELDS`) would be listed here, not silently tolerated.
 */
const EXPECTED_UNKNOWN: Readonly<Record<string, string>> = {};

interface ManifestRow {
  readonly file: string;
  readonly tags: readonly string[];
}

function listJson(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((dirent) => {
    const full = path.join(dir, dirent.name);
    if (dirent.isDirectory()) return listJson(full);
    return dirent.name.endsWith('.json') ? [full] : [];
  });
}

if (!fs.existsSync(FIXTURES_DIR)) {
  throw new Error(`fixture corpus not found at ${FIXTURES_DIR}; set WAHOOKS_FIXTURES_DIR`);
}

const manifest = JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, 'MANIFEST.json'), 'utf8')) as ManifestRow[];
const tagsByFile = new Map(manifest.map((row) => [row.file, row.tags]));
const files = listJson(FIXTURES_DIR)
  .map((file) => path.relative(FIXTURES_DIR, file).split(path.sep).join('/'))
  .filter((file) => file !== 'MANIFEST.json')
  .sort();

/** Which events a bare field tag (no `:detail`) admits. */
const KINDS_BY_FIELD: Readonly<Record<string, readonly MetaEventKind[]>> = {
  // Meta's own quality-update example is labelled as a status update.
  message_template_status_update: ['template.status', 'template.quality'],
  message_template_quality_update: ['template.quality'],
  template_category_update: ['template.category'],
  message_template_components_update: ['template.components'],
  user_preferences: ['user_preferences'],
  group_lifecycle_update: ['group.lifecycle'],
  group_participants_update: ['group.participants'],
  group_settings_update: ['group.settings'],
  group_status_update: ['group.status'],
  smb_app_state_sync: ['contact.sync'],
  automatic_events: ['ad.conversion'],
  tracking_events: ['marketing.user_action'],
  partner_solutions: ['partner.solution'],
  payment_configuration_update: ['payment.configuration'],
  flows: ['flow.update'],
  message_echoes: ['message.echo'],
};

/** Does `event` satisfy one MANIFEST tag? Tags read `<field>[:<what>[:<detail>]]`. */
function satisfies(tag: string, event: MetaEvent): boolean {
  const [field, what, detail] = tag.split(':');
  if (field === undefined || event.field !== field) return false;
  if (what === undefined) return KINDS_BY_FIELD[field]?.includes(event.kind) ?? false;
  if (what === 'value.errors') return event.kind === 'message.errors';
  if (what === 'message_echoes') return event.kind === 'message.echo';
  if (what === 'event') {
    return (event.kind === 'account.update' || event.kind === 'template.status') && event.event === detail;
  }
  if (what === 'contact') return event.kind === 'contact.sync' && event.action === detail;
  if (what === 'user_action') return event.kind === 'marketing.user_action' && event.actionType === detail;
  if (what === 'message' && event.kind === 'message.inbound') {
    const [type, interactiveType] = (detail ?? '').split('/');
    if (event.messageType !== type) return false;
    if (interactiveType === undefined) return true;
    if (event.content.type !== 'interactive') return false;
    const reply = event.content.reply;
    // `None`: the interactive object was missing altogether.
    if (interactiveType === 'None') return reply.type === 'other' && reply.interactiveType === undefined;
    return reply.type === interactiveType;
  }
  if (what === 'status' && event.kind === 'message.status') {
    const failed = /^(\w+)\((\d+)\)$/.exec(detail ?? '');
    if (!failed) return event.rawStatus === detail && event.status === detail;
    return event.status === failed[1] && event.errors.some((error) => error.code === Number(failed[2]));
  }
  if (event.kind === 'calls') {
    if (what === 'call') return event.callEvent === detail;
    if (what === 'status') return event.callEvent === 'status' && event.status === detail;
  }
  return false;
}

describe('the fixture corpus', () => {
  it('is complete: every file is in MANIFEST and every MANIFEST row is a file', () => {
    expect(files).toEqual([...tagsByFile.keys()].sort());
    expect(files.length).toBeGreaterThanOrEqual(144);
  });

  describe.each(files)('%s', (file) => {
    const parsed = parseWebhookBody(fs.readFileSync(path.join(FIXTURES_DIR, file)));
    const events = parsed.ok ? normalizeEnvelope(parsed.envelope) : [];
    const tags = tagsByFile.get(file) ?? [];

    it('parses and yields at least one event', () => {
      expect(parsed.ok).toBe(true);
      expect(events.length).toBeGreaterThanOrEqual(1);
    });

    it('yields, for each MANIFEST tag, a distinct event matching it', () => {
      const unused = [...events];
      for (const tag of tags) {
        const index = unused.findIndex((event) => satisfies(tag, event));
        expect({ tag, matched: index >= 0 }).toEqual({ tag, matched: true });
        unused.splice(index, 1);
      }
    });

    it('yields no kind its tags do not account for', () => {
      const explained = events.filter((event) => tags.some((tag) => satisfies(tag, event)));
      expect(events.map((event) => event.kind)).toEqual(explained.map((event) => event.kind));
    });

    it('yields no unknown event unless listed with a reason', () => {
      const unknown = events.filter((event) => event.kind === 'unknown');
      if (EXPECTED_UNKNOWN[file] === undefined) expect(unknown).toEqual([]);
      else expect(unknown.length).toBeGreaterThan(0);
    });

    it('gives every event a sha256 idempotency key and its coordinates', () => {
      for (const event of events) {
        expect(event.idempotencyKey).toMatch(/^[0-9a-f]{64}$/);
        expect(event.entryIndex).toBeGreaterThanOrEqual(0);
        expect(event.wabaId).not.toBe('');
      }
    });

    it('normalises deterministically', () => {
      const again = parsed.ok ? normalizeEnvelope(parsed.envelope) : [];
      expect(again.map((event) => event.idempotencyKey)).toEqual(events.map((event) => event.idempotencyKey));
    });
  });
});
