import { createHmac, randomBytes } from 'node:crypto';

/** Signs like Meta: HMAC-SHA256 over the exact bytes, lowercase hex. Independent of the code under test. */
export const signLikeMeta = (body: Buffer | string, secret: string): string =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export interface ProvisionedTenant {
  id: string;
  secret: string;
  apiKey: string;
}

/** Creates a tenant and an API key through an app's admin API. */
export async function provisionTenant(adminUrl: string, adminToken: string, prefix = 't'): Promise<ProvisionedTenant> {
  const id = `${prefix}-${randomBytes(4).toString('hex')}`;
  const secret = `secret-${randomBytes(12).toString('hex')}`;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` };
  const created = await fetch(`${adminUrl}/admin/tenants`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ id, verifyToken: `verify-${id}`, appSecrets: [secret] }),
  });
  if (created.status !== 201) throw new Error(`tenant: ${created.status} ${await created.text()}`);
  const key = await fetch(`${adminUrl}/admin/tenants/${id}/api-keys`, { method: 'POST', headers, body: JSON.stringify({ name: 'test' }) });
  if (key.status !== 201) throw new Error(`api key: ${key.status} ${await key.text()}`);
  return { id, secret, apiKey: ((await key.json()) as { apiKey: string }).apiKey };
}
