import { Injectable } from '@nestjs/common';

import type { SqlTx } from '@wahooks/prisma';

export interface MediaJob {
  tenantId: string;
  wamid: string;
  mediaId: string;
  mimeType: string | null;
}

export interface ClaimedMedia extends MediaJob {
  attempts: number;
}

export interface MediaRow {
  wamid: string;
  media_id: string;
  mime_type: string | null;
  status: 'pending' | 'stored' | 'failed';
  attempts: number;
  last_error: string | null;
  storage_key: string | null;
  size_bytes: number | null;
  sha256: string | null;
  completed_at: Date | null;
}

/**
 * `inbound_media`: the download queue, one row per (tenant, message). A
 * claim leases due rows by pushing `next_attempt_at` past the download's
 * longest duration (INBOUND_MEDIA_DOWNLOAD_TIMEOUT_MS, SKIP LOCKED, so
 * replicas share the work) and commits: the download runs outside any
 * transaction, and a crashed fetcher's rows come due again when the lease
 * runs out. Outcomes only touch rows still `pending`, so the first final
 * outcome of a row wins.
 */
@Injectable()
export class MediaRepository {
  async enqueue(tx: SqlTx, jobs: MediaJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO inbound_media (tenant_id, wamid, media_id, mime_type)
       SELECT tenant_id, wamid, media_id, mime_type FROM jsonb_to_recordset($1::jsonb) AS r(tenant_id text, wamid text, media_id text, mime_type text)
       ON CONFLICT DO NOTHING`,
      JSON.stringify(jobs.map((j) => ({ tenant_id: j.tenantId, wamid: j.wamid, media_id: j.mediaId, mime_type: j.mimeType }))),
    );
  }

  async claimDue(tx: SqlTx, limit: number, leaseMs: number): Promise<ClaimedMedia[]> {
    const rows = await tx.$queryRawUnsafe<Array<{ tenant_id: string; wamid: string; media_id: string; mime_type: string | null; attempts: number }>>(
      `WITH due AS (
         SELECT tenant_id, wamid FROM inbound_media WHERE status = 'pending' AND next_attempt_at <= now()
         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       UPDATE inbound_media m SET next_attempt_at = now() + ($2::int * interval '1 millisecond')
       FROM due WHERE m.tenant_id = due.tenant_id AND m.wamid = due.wamid
       RETURNING m.tenant_id, m.wamid, m.media_id, m.mime_type, m.attempts`,
      limit,
      leaseMs,
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, wamid: r.wamid, mediaId: r.media_id, mimeType: r.mime_type, attempts: r.attempts }));
  }

  async stored(tx: SqlTx, job: MediaJob, attempts: number, s: { storageKey: string; size: number; sha256: string; mimeType: string | null }): Promise<void> {
    await tx.$executeRawUnsafe(
      `UPDATE inbound_media SET status = 'stored', attempts = $3, storage_key = $4, size_bytes = $5, sha256 = $6,
         mime_type = COALESCE($7, mime_type), last_error = NULL, completed_at = now()
       WHERE tenant_id = $1 AND wamid = $2 AND status = 'pending'`,
      job.tenantId,
      job.wamid,
      attempts,
      s.storageKey,
      s.size,
      s.sha256,
      s.mimeType,
    );
  }

  async failed(tx: SqlTx, job: MediaJob, attempts: number, error: string): Promise<void> {
    await tx.$executeRawUnsafe(
      `UPDATE inbound_media SET status = 'failed', attempts = $3, last_error = $4, completed_at = now() WHERE tenant_id = $1 AND wamid = $2 AND status = 'pending'`,
      job.tenantId,
      job.wamid,
      attempts,
      error,
    );
  }

  async reschedule(tx: SqlTx, job: MediaJob, attempts: number, delayMs: number, error: string): Promise<void> {
    await tx.$executeRawUnsafe(
      `UPDATE inbound_media SET attempts = $3, last_error = $4, next_attempt_at = now() + ($5::int * interval '1 millisecond')
       WHERE tenant_id = $1 AND wamid = $2 AND status = 'pending'`,
      job.tenantId,
      job.wamid,
      attempts,
      error,
      delayMs,
    );
  }

  /** Hands a claimed row back at once, the attempt not counted (the download was cancelled by our shutdown). */
  async release(tx: SqlTx, job: MediaJob): Promise<void> {
    await tx.$executeRawUnsafe(`UPDATE inbound_media SET next_attempt_at = now() WHERE tenant_id = $1 AND wamid = $2 AND status = 'pending'`, job.tenantId, job.wamid);
  }

  async byWamid(db: SqlTx, tenantId: string, wamid: string): Promise<MediaRow | undefined> {
    const [row] = await db.$queryRawUnsafe<MediaRow[]>(
      `SELECT wamid, media_id, mime_type, status, attempts, last_error, storage_key, size_bytes, sha256, completed_at
       FROM inbound_media WHERE tenant_id = $1 AND wamid = $2`,
      tenantId,
      wamid,
    );
    return row;
  }
}
