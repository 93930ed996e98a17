import { createHmac, randomBytes } from 'node:crypto';

import { intakeProof } from './raw-proof';

/** One raw webhook record for the status projector: `perRecord` statuses of distinct messages. */
export function statusRecords(tenantId: string, records: number, perRecord: number): Array<{ key: string; value: string; headers: Record<string, string> }> {
  const statuses = ['sent', 'delivered', 'read'] as const;
  const out = [];
  for (let i = 0; i < records; i++) {
    const items = Array.from({ length: perRecord }, (_, k) => ({
      id: `wamid.bench.${tenantId}.${i}.${k}`,
      status: statuses[(i + k) % 3],
      timestamp: String(1_700_000_000 + i),
      recipient_id: `1555${String(k).padStart(7, '0')}`,
      pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' },
      conversation: { id: `c${i}`, origin: { type: 'utility' } },
    }));
    const value = envelope(items);
    out.push({
      key: tenantId,
      value,
      headers: { 'wahooks-tenant-id': tenantId, 'wahooks-received-at': new Date().toISOString(), 'wahooks-delivery-id': randomBytes(16).toString('hex'), ...intakeProof(tenantId, value) },
    });
  }
  return out;
}

export function envelope(statuses: object[]): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001111', phone_number_id: '1000' }, statuses } }] }],
  });
}

export const sign = (body: string, secret: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** The rows the event store holds for those statuses, for the plain-insert baseline. */
export function baselineRows(tenantId: string, records: number, perRecord: number): unknown[][] {
  const rows: unknown[][] = [];
  for (let i = 0; i < records; i++) {
    for (let k = 0; k < perRecord; k++) {
      const wamid = `wamid.base.${tenantId}.${i}.${k}`;
      const data = {
        wamid,
        status: 'sent',
        timestamp: 1_700_000_000 + i,
        recipient: { id: `1555${String(k).padStart(7, '0')}` },
        conversation: { id: `c${i}`, originType: 'utility' },
        pricing: { billable: true, pricingModel: 'PMP', type: 'regular', category: 'utility' },
        errors: [],
      };
      rows.push([tenantId, `message:${wamid}`, 1, 'message.status.sent', 1, JSON.stringify(data), JSON.stringify({ wamid, deliveryId: randomBytes(16).toString('hex') }), randomBytes(32).toString('hex')]);
    }
  }
  return rows;
}
