import { createHash } from 'node:crypto';

import type { GraphTenantConfig } from '@wahooks/config';

export type DownloadOutcome =
  | { ok: true; bytes: Buffer; mimeType: string | null; sha256: string }
  | { ok: false; retryable: boolean; error: string };

interface MediaInfo {
  url?: unknown;
  mime_type?: unknown;
  sha256?: unknown;
  file_size?: unknown;
}

/**
 * Meta's two-step media download: GET /{version}/{media-id} for a short-lived
 * URL, then GET that URL, both with the tenant's bearer token. Errors name
 * the step and status, never the token or the signed URL's query.
 * Retryable: timeouts, network errors, 429, 5xx and a checksum mismatch;
 * other 4xx (e.g. an expired media id) are final.
 */
export async function downloadMedia(cfg: GraphTenantConfig, mediaId: string, limits: { timeoutMs: number; maxBytes: number }): Promise<DownloadOutcome> {
  const auth = { authorization: `Bearer ${cfg.accessToken}` };
  const infoRes = await request(`${cfg.baseUrl}/${cfg.version}/${encodeURIComponent(mediaId)}`, auth, limits.timeoutMs, 'media info');
  if (!infoRes.ok) return infoRes;
  let info: MediaInfo;
  try {
    info = (await infoRes.response.json()) as MediaInfo;
  } catch {
    return { ok: false, retryable: true, error: 'media info: response is not JSON' };
  }
  if (typeof info.url !== 'string' || !/^https?:\/\//.test(info.url)) return { ok: false, retryable: false, error: 'media info: no download url' };
  if (typeof info.file_size === 'number' && info.file_size > limits.maxBytes) return { ok: false, retryable: false, error: `media too large (${info.file_size} bytes)` };
  const host = new URL(info.url).host;
  const fileRes = await request(info.url, auth, limits.timeoutMs, `download from ${host}`);
  if (!fileRes.ok) return fileRes;
  let bytes: Buffer;
  try {
    bytes = Buffer.from(await fileRes.response.arrayBuffer());
  } catch (error) {
    return { ok: false, retryable: true, error: `download from ${host}: ${describe(error)}` };
  }
  if (bytes.length > limits.maxBytes) return { ok: false, retryable: false, error: `media too large (${bytes.length} bytes)` };
  const digest = createHash('sha256').update(bytes).digest();
  const hex = digest.toString('hex');
  // Meta has sent the checksum as hex and as base64: accept either.
  if (typeof info.sha256 === 'string' && info.sha256 !== '' && info.sha256.toLowerCase() !== hex && info.sha256 !== digest.toString('base64')) {
    return { ok: false, retryable: true, error: `download from ${host}: sha256 mismatch` };
  }
  const mimeType = typeof info.mime_type === 'string' ? info.mime_type : fileRes.response.headers.get('content-type');
  return { ok: true, bytes, mimeType, sha256: hex };
}

async function request(url: string, headers: Record<string, string>, timeoutMs: number, step: string): Promise<{ ok: true; response: Response } | { ok: false; retryable: boolean; error: string }> {
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (error) {
    return { ok: false, retryable: true, error: `${step}: ${describe(error)}` };
  }
  if (response.ok) return { ok: true, response };
  await response.body?.cancel().catch(() => undefined);
  const retryable = response.status === 429 || response.status >= 500;
  return { ok: false, retryable, error: `${step}: HTTP ${response.status}` };
}

function describe(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timed out';
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return error instanceof Error ? `${error.message}${cause}` : String(error);
}
