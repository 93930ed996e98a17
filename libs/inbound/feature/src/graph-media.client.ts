import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

import type { GraphTenantConfig } from '@wahooks/config';
import { describeOutboundFailure, FetchDispatcher } from '@wahooks/egress';

import { declaredLength, MediaMeter, MediaTooLargeError } from './media-meter';

export type DownloadFailure = {
  ok: false;
  retryable: boolean;
  error: string;
  /** Over INBOUND_MEDIA_MAX_BYTES (declared or streamed): permanent. */
  tooLarge?: true;
  /** Cancelled by us (shutdown), not the medium's fault: the attempt does not count. */
  cancelled?: true;
};

export type DownloadOutcome = { ok: true; mimeType: string | null; sha256: string; sizeBytes: number } | DownloadFailure;

export interface DownloadLimits {
  /** Connect and response headers of each request; the whole metadata response. */
  timeoutMs: number;
  /** No body bytes (or no storage progress) for this long. */
  idleTimeoutMs: number;
  /** The whole download, metadata to stored object. */
  downloadTimeoutMs: number;
  maxBytes: number;
}

/**
 * Where the bytes go. It must consume `body` (or destroy it), commit only
 * when `body` ends cleanly, leave nothing behind when `body` errors or it
 * fails itself, and stop when `signal` aborts.
 */
export type MediaSink = (body: Readable, meta: { mimeType: string | null; size: number | undefined; signal: AbortSignal }) => Promise<void>;

interface MediaInfo {
  url?: unknown;
  mime_type?: unknown;
  sha256?: unknown;
  file_size?: unknown;
}

/** Meta's metadata answer is a few hundred bytes; more is not Meta. */
const INFO_MAX_BYTES = 64 * 1024;

class Timeout extends Error {
  override readonly name = 'Timeout';
}

/** How requests leave: the egress agent (see libs/shared/egress), and shutdown's cancel signal. */
export interface DownloadTransport {
  dispatcher: FetchDispatcher;
  cancel?: AbortSignal;
}

/**
 * Meta's two-step media download: GET /{version}/{media-id} for a short-lived
 * URL, then GET that URL, both with the tenant's bearer token. The bytes
 * stream through a MediaMeter (cap, sha256) into `sink`; nothing holds the
 * whole medium. Errors name the step and status, never the token or the
 * signed URL's query. Retryable: timeouts, network errors, 429, 5xx, a
 * checksum mismatch and storage errors; too large and other 4xx (e.g. an
 * expired media id) are final. Every connection (redirects included: Meta's
 * CDN may send one) goes through the egress agent, so a media URL that
 * points inside our network is refused (`refused-by-egress-policy`).
 */
export async function downloadMedia(cfg: GraphTenantConfig, mediaId: string, limits: DownloadLimits, sink: MediaSink, transport: DownloadTransport): Promise<DownloadOutcome> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Timeout(`media download: not finished within ${limits.downloadTimeoutMs} ms`)), limits.downloadTimeoutMs);
  const { cancel } = transport;
  const signal = cancel ? AbortSignal.any([cancel, deadline.signal]) : deadline.signal;
  try {
    return await download(cfg, mediaId, limits, sink, signal, transport.dispatcher);
  } catch (error) {
    return failure('media download', error, signal);
  } finally {
    clearTimeout(timer);
  }
}

async function download(cfg: GraphTenantConfig, mediaId: string, limits: DownloadLimits, sink: MediaSink, signal: AbortSignal, dispatcher: FetchDispatcher): Promise<DownloadOutcome> {
  const auth = { authorization: `Bearer ${cfg.accessToken}` };
  const infoRes = await getJson(`${cfg.baseUrl}/${cfg.version}/${encodeURIComponent(mediaId)}`, auth, limits.timeoutMs, signal, dispatcher);
  if (!infoRes.ok) return infoRes;
  const info = infoRes.body as MediaInfo;
  const url = typeof info.url === 'string' && /^https?:\/\//.test(info.url) ? URL.parse(info.url) : null;
  if (!url) return { ok: false, retryable: false, error: 'media info: no download url' };
  if (typeof info.file_size === 'number' && info.file_size > limits.maxBytes) return tooLarge(new MediaTooLargeError(limits.maxBytes, info.file_size));
  const step = `download from ${url.host}`;
  // Identity: a compressed body's Content-Length is not the medium's size.
  const idle = new AbortController();
  const fileRes = await open(url.href, { ...auth, 'accept-encoding': 'identity' }, limits.timeoutMs, AbortSignal.any([signal, idle.signal]), step, dispatcher);
  if (!fileRes.ok) return fileRes;
  const response = fileRes.response;
  const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
  const size = encoded ? undefined : declaredLength(response.headers.get('content-length'));
  if (size !== undefined && size > limits.maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return tooLarge(new MediaTooLargeError(limits.maxBytes, size));
  }
  let idleTimer: NodeJS.Timeout | undefined;
  const heartbeat = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => idle.abort(new Timeout(`${step}: stalled, no bytes for ${limits.idleTimeoutMs} ms`)), limits.idleTimeoutMs);
  };
  const meter = new MediaMeter({ maxBytes: limits.maxBytes, expectedSha256: typeof info.sha256 === 'string' ? info.sha256 : undefined, onProgress: heartbeat });
  // Once every byte went through, committing (fsync and rename, the last upload) is bounded by the deadline only.
  meter.once('end', () => clearTimeout(idleTimer));
  const mimeType = typeof info.mime_type === 'string' ? info.mime_type : response.headers.get('content-type');
  heartbeat();
  try {
    const failed = await pour(response, meter, sink, { mimeType, size, signal: AbortSignal.any([signal, idle.signal]) }, step);
    if (failed) return failed;
  } finally {
    clearTimeout(idleTimer);
  }
  return { ok: true, mimeType, sha256: meter.digest?.toString('hex') ?? '', sizeBytes: meter.bytes };
}

/** Streams the body through the meter into the sink, and says whose fault a failure was. */
async function pour(response: Response, meter: MediaMeter, sink: MediaSink, meta: Parameters<MediaSink>[1], step: string): Promise<DownloadFailure | undefined> {
  const source = response.body ? Readable.fromWeb(response.body as WebReadableStream<Uint8Array>) : Readable.from([]);
  let sourceError: unknown;
  let sinkError: unknown;
  source.once('error', (error) => {
    if (sinkError === undefined) sourceError ??= error;
  });
  const flow = pipeline(source, meter);
  const stored = sink(meter, meta).catch((error: unknown) => {
    sinkError ??= error ?? new Error('storage failed');
    meter.destroy(error instanceof Error ? error : new Error(String(error)));
    throw error;
  });
  const [flowed] = await Promise.allSettled([flow, stored]);
  if (flowed.status === 'fulfilled' && sinkError === undefined) return undefined;
  if (meter.failure instanceof MediaTooLargeError) return tooLarge(meter.failure);
  if (meter.failure) return { ok: false, retryable: true, error: `${step}: ${meter.failure.message}` };
  if (meta.signal.aborted || sourceError !== undefined || sinkError === undefined) return failure(step, sourceError ?? (flowed.status === 'rejected' ? flowed.reason : undefined), meta.signal);
  return { ok: false, retryable: true, error: `storage: ${describe(sinkError)}` };
}

async function getJson(url: string, headers: Record<string, string>, timeoutMs: number, signal: AbortSignal, dispatcher: FetchDispatcher): Promise<{ ok: true; body: unknown } | DownloadFailure> {
  // One budget for the headers and the body: the answer is small.
  const timer = new AbortController();
  const t = setTimeout(() => timer.abort(new Timeout(`media info: no answer within ${timeoutMs} ms`)), timeoutMs);
  const both = AbortSignal.any([signal, timer.signal]);
  try {
    const res = await open(url, headers, timeoutMs, both, 'media info', dispatcher);
    if (!res.ok) return res;
    const text = await readCapped(res.response, INFO_MAX_BYTES);
    if (text === undefined) return { ok: false, retryable: true, error: `media info: answer larger than ${INFO_MAX_BYTES} bytes` };
    try {
      return { ok: true, body: JSON.parse(text) };
    } catch {
      return { ok: false, retryable: true, error: 'media info: response is not JSON' };
    }
  } catch (error) {
    return failure('media info', error, both);
  } finally {
    clearTimeout(t);
  }
}

/** Fetch until the response headers, within `timeoutMs`; the body stays under `signal`. */
async function open(url: string, headers: Record<string, string>, timeoutMs: number, signal: AbortSignal, step: string, dispatcher: FetchDispatcher): Promise<{ ok: true; response: Response } | DownloadFailure> {
  const headersTimer = new AbortController();
  const t = setTimeout(() => headersTimer.abort(new Timeout(`${step}: no response within ${timeoutMs} ms`)), timeoutMs);
  const both = AbortSignal.any([signal, headersTimer.signal]);
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: both, redirect: 'follow', dispatcher });
  } catch (error) {
    return failure(step, error, both);
  } finally {
    clearTimeout(t);
  }
  if (response.ok) return { ok: true, response };
  await response.body?.cancel().catch(() => undefined);
  const retryable = response.status === 429 || response.status >= 500;
  return { ok: false, retryable, error: `${step}: HTTP ${response.status}` };
}

/** The body as text, or undefined past `max` bytes (the rest is not read). */
async function readCapped(response: Response, max: number): Promise<string | undefined> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > max) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(error: MediaTooLargeError): DownloadFailure {
  return { ok: false, retryable: false, tooLarge: true, error: `${error.message} (INBOUND_MEDIA_MAX_BYTES)` };
}

/** A thrown error as an outcome: our own timeouts and cancellation by their reason. */
function failure(step: string, error: unknown, signal: AbortSignal): DownloadFailure {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof Timeout) return { ok: false, retryable: true, error: reason.message };
    return { ok: false, retryable: true, cancelled: true, error: `${step}: cancelled (${describe(reason)})` };
  }
  return { ok: false, retryable: true, error: `${step}: ${describe(error)}` };
}

function describe(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timed out';
  // Only the category: the refusal's detail names addresses of our network.
  if (describeOutboundFailure(error).category === 'refused-by-egress-policy') return 'refused-by-egress-policy';
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return error instanceof Error ? `${error.message}${cause}` : String(error);
}
