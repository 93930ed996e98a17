import { createHmac } from 'node:crypto';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { AppConfig } from '@wahooks/config';
import { uniqueId, uniqueMetaId } from '@wahooks/testing';

import { createIntakeApp } from '../src/main';

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

export async function startIntake(config: AppConfig): Promise<{ app: NestFastifyApplication; url: string }> {
  const app = await createIntakeApp(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app, url: `http://127.0.0.1:${port}` };
}

export async function createTenant(url: string, config: AppConfig, overrides: Partial<TestTenant> = {}): Promise<TestTenant> {
  const tenant: TestTenant = {
    id: uniqueId('t'),
    secret: `secret-${uniqueId('s')}-0123456789`,
    verifyToken: `verify-${uniqueId('v')}`,
    wabaId: uniqueMetaId(),
    phoneNumberId: uniqueMetaId(),
    ...overrides,
  };
  const res = await fetch(`${url}/admin/tenants`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${config.secrets.adminApiToken}` },
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
