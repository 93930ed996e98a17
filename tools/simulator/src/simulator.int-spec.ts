import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { testConfig } from '@wahooks/testing';

import { checkSms } from './chaos-plan';
import { DEFAULT_GENERATE, generate } from './generate';
import { sleep } from './http';
import { INBOUND_KINDS } from './inbound-messages';
import type { Credentials, Oracle } from './plan.types';
import { provisionTenants } from './provision';
import { sendPlan } from './sender';
import { Suite } from './suite';
import { compareOnce, verify, VerifyOptions } from './verify';

const config = testConfig();
const SEED = Number(process.env['SIM_E2E_SEED'] ?? 20261124);
const quiet = (): void => undefined;

/**
 * The simulator against the real pipeline: intake, status-projector,
 * fallback-trigger, template-monitor and inbound-reply as child processes on
 * the real broker and database, a local SMS provider and Graph API. One
 * seeded run with outbound lifecycles, templates, inbound messages of every
 * kind from several customers, account and number events, duplicates,
 * reordering and a share of POSTs on the shared platform URL; then `verify`
 * must find no difference, and must find each one planted in the oracle.
 */
describe(`simulator end to end: generate → send → verify (seed ${SEED})`, () => {
  const runId = `simit-${randomBytes(3).toString('hex')}`;
  const { plan, oracle } = generate({
    ...DEFAULT_GENERATE,
    seed: SEED,
    runId,
    tenants: 2,
    messages: 24,
    templates: 3,
    customers: 6,
    inbound: INBOUND_KINDS.length + 12,
    accountEvents: 9,
    platformShare: 0.4,
    duplicates: 0.15,
    refanout: 0.1,
    // Recent traffic: open windows beside the closed ones of customers active a day or more ago.
    baseTime: Math.floor(Date.now() / 1000) - 60,
  });
  const suite = new Suite({ oracle, dir: mkdtempSync(join(tmpdir(), 'wahooks-sim-')), sms: (n) => (n % 5 === 0 ? 'fail' : 'ok'), graphFaults: true });
  let creds: Credentials;
  let urls: Omit<VerifyOptions, 'smsStatus' | 'waitMs' | 'log'>;

  beforeAll(async () => {
    await suite.start();
    urls = suite.readUrls();
    creds = await provisionTenants(suite.intake.adminUrl, config.adminApi.token, runId, plan.tenants);
    // New consumer groups begin at the end of each partition once they fetch: let them settle first.
    await sleep(2000);
  }, 180_000);

  afterAll(() => suite.close());

  it('plans every inbound kind, account events and multi-tenant platform POSTs', () => {
    expect(Object.keys(oracle.totals.inboundByType).sort()).toEqual(['audio', 'button', 'contacts', 'document', 'image', 'interactive', 'location', 'order', 'reaction', 'request_welcome', 'sticker', 'system', 'text', 'unknown', 'unsupported', 'video']);
    expect(oracle.totals.multiTenantDeliveries).toBeGreaterThan(0);
    expect(oracle.totals.duplicateDeliveries).toBeGreaterThan(0);
    expect([oracle.phoneNumbers.length, oracle.accounts.length]).toEqual([2, 2]);
  });

  it('delivers every POST and ends in exactly the state of the oracle', async () => {
    const sent = await sendPlan(plan, {
      intakeUrl: suite.intake.url,
      statusProjectorUrl: suite.status.url,
      rate: 200,
      timeoutMs: 5000,
      giveUpAfterMs: 60_000,
      apiKeys: new Map(creds.tenants.map((t) => [t.id, t.apiKey])),
      platformSecret: config.platform.appSecrets[0],
      log: quiet,
    });
    expect({ delivered: sent.delivered, dropped: sent.dropped, gaveUp: sent.gaveUp }).toEqual({ delivered: plan.deliveries.length, dropped: [], gaveUp: [] });

    const report = await verify(oracle, creds, { ...urls, smsStatus: 'sent', waitMs: 120_000, log: quiet });
    expect(report.differences).toEqual([]);
    expect(report.checked).toEqual({
      messages: oracle.messages.length,
      fallbacks: oracle.messages.filter((m) => m.fallbackAction !== null).length,
      templates: oracle.templates.length,
      inbound: oracle.inbound.length,
      conversations: oracle.conversations.length,
      contacts: oracle.contacts.length,
      media: oracle.totals.inboundMedia,
      phoneNumbers: 2,
      accounts: 2,
    });
    expect(checkSms(suite.provider, oracle)).toMatchObject({ ok: true, expected: oracle.smsFallbacks.length });
    // Every medium was downloaded with the run's token, the planted failures retried.
    expect(suite.graph.counts).toMatchObject({ unauthorized: 0, unknownMedia: 0 });
    expect(suite.graph.counts.faults).toBeGreaterThan(0);
  }, 240_000);

  it('reports each difference planted in the oracle, and nothing else', async () => {
    const changed = structuredClone(oracle) as Oracle;
    const conv = changed.conversations.find((c) => c.wamids.length >= 3 && c.windowExpiresAt !== null) as Oracle['conversations'][number];
    conv.windowExpiresAt = new Date(Date.parse(conv.windowExpiresAt as string) + 1000).toISOString();
    const [removed] = conv.wamids.splice(1, 1);
    const text = changed.inbound.find((m) => m.type === 'text' && m.wamid !== removed) as Oracle['inbound'][number];
    text.type = 'video';
    const contact = changed.contacts.find((c) => c.profileName !== null) as Oracle['contacts'][number];
    contact.profileName = 'Somebody Else';
    const account = changed.accounts[0] as Oracle['accounts'][number];
    account.review = 'NEVER_DECIDED';
    const phone = changed.phoneNumbers[1] as Oracle['phoneNumbers'][number];
    phone.flagged = !phone.flagged;

    const report = await compareOnce(changed, creds, { ...urls, smsStatus: 'sent', waitMs: 0, log: quiet });
    const subject = `conversation ${conv.phoneNumberId}/${conv.customer}`;
    expect(report.differences.map((d) => `${d.service} ${d.subject} ${d.field}`).sort()).toEqual(
      [
        `inbound-reply ${subject} window.expiresAt`,
        `inbound-reply ${subject} conversation.window`,
        `inbound-reply ${removed} message`,
        `inbound-reply ${text.wamid} type`,
        `inbound-reply contact ${contact.contactId} profileName`,
        `template-monitor account ${account.wabaId} review`,
        `template-monitor number ${phone.wabaId}|${phone.displayPhoneNumber} flagged`,
      ].sort(),
    );
  }, 120_000);
});
