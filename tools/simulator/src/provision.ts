import { attempt, sleep } from './http';
import type { Credentials, SimTenant } from './plan.types';

/**
 * Registers the plan's tenants through the intake's admin API (id, app
 * secret, verify token, WABA and phone number routes) and creates one API
 * key each for the read APIs. A tenant that already exists (409, a re-run of
 * the same run id) keeps its secret, which the plan derives from the run id
 * and seed, so its traffic still verifies; it gets a new API key.
 */
export async function provisionTenants(adminUrl: string, adminToken: string, runId: string, tenants: SimTenant[]): Promise<Credentials> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` };
  const out: Credentials = { runId, tenants: [] };
  for (const t of tenants) {
    const created = await retrying(`${adminUrl}/admin/tenants`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ id: t.id, name: `simulator ${t.id}`, verifyToken: t.verifyToken, appSecrets: [t.secret], wabaIds: [t.wabaId], phoneNumberIds: [t.phoneNumberId] }),
    });
    if (created.status !== 201 && created.status !== 409) throw new Error(`creating tenant ${t.id}: ${created.status} ${created.text}`);
    const key = await retrying(`${adminUrl}/admin/tenants/${t.id}/api-keys`, { method: 'POST', headers, body: JSON.stringify({ name: `simulator-${runId}` }) });
    if (key.status !== 201) throw new Error(`creating an API key for ${t.id}: ${key.status} ${key.text}`);
    out.tenants.push({ id: t.id, apiKey: (JSON.parse(key.text) as { apiKey: string }).apiKey });
  }
  return out;
}

async function retrying(url: string, init: RequestInit): Promise<{ status: number; text: string }> {
  for (let i = 0; ; i++) {
    const r = await attempt(url, init, 10_000);
    if (r.kind === 'response' && r.status < 500) return r;
    if (i >= 9) throw new Error(`${url}: ${r.kind === 'response' ? `${r.status} ${r.text}` : r.kind === 'timeout' ? 'timeout' : r.message}`);
    await sleep(500 * (i + 1));
  }
}
