import { createHmac } from 'node:crypto';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { uniqueId, uniqueMetaId } from '@wahooks/testing';

import { IntakeAppConfig } from '../src/config';
import { createIntakeApp, listenIntake } from '../src/main';

/** Signs like Meta: HMAC-SHA256 over the exact bytes, lowercase hex. Independent of the code under test. */
export const sign = (body: Buffer | string, secret: string): string =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export interface TestTenant {
  id: string;
  secret: string;
  verifyToken: string;
  wabaId: string;
  phoneNumberId: string;
}

/** The intake in this process on two free loopback ports: `url` is Meta's (webhooks), `adminUrl` the private one (admin API, /metrics, health details). */
export async function startIntake(config: IntakeAppConfig): Promise<{ app: NestFastifyApplication; url: string; adminUrl: string }> {
  const app = await createIntakeApp(config);
  const local = { port: 0, host: '127.0.0.1' };
  const { url, adminUrl } = await listenIntake(app, { http: local, adminHttp: local });
  return { app, url, adminUrl };
}

/** Through the admin API, on the private port (`adminUrl` of startIntake). */
export async function createTenant(adminUrl: string, config: Pick<IntakeAppConfig, 'adminApi'>, overrides: Partial<TestTenant> = {}): Promise<TestTenant> {
  const tenant: TestTenant = {
    id: uniqueId('t'),
    secret: `secret-${uniqueId('s')}-0123456789`,
    verifyToken: `verify-${uniqueId('v')}`,
    wabaId: uniqueMetaId(),
    phoneNumberId: uniqueMetaId(),
    ...overrides,
  };
  const res = await fetch(`${adminUrl}/admin/tenants`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${config.adminApi.token}` },
    body: JSON.stringify({
      id: tenant.id,
      verifyToken: tenant.verifyToken,
      appSecrets: [tenant.secret],
      wabaIds: [tenant.wabaId],
      phoneNumberIds: [tenant.phoneNumberId],
    }),
  });
  if (res.status !== 201) throw new Error(`creating tenant failed: ${res.status} ${await res.text()}`);
  return tenant;
}

export function postWebhook(url: string, body: Buffer | string, headers: Record<string, string>): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

/** A minimal messages envelope for one WABA / phone number. */
export function textEnvelope(wabaId: string, phoneNumberId: string, text: string): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550001111', phone_number_id: phoneNumberId },
              messages: [{ from: '15551234567', id: `wamid.${text}`, timestamp: '1700000000', type: 'text', text: { body: text } }],
            },
          },
        ],
      },
    ],
  });
}
