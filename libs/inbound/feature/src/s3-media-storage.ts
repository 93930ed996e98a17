import {
  AbortMultipartUploadCommand,
  CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';

import type { S3StorageConfig } from '@wahooks/config';

import type { MediaStorage, PutOptions, StoredMedia } from './media-storage';

/** S3's smallest part but the last; also the most a put buffers. */
export const PART_BYTES = 5 * 1024 * 1024;

export interface S3Timeouts {
  /** TCP connect. */
  connectTimeoutMs: number;
  /** A socket with no traffic for this long is dropped. */
  idleTimeoutMs: number;
}

/**
 * Media in an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, Ceph…),
 * under the same keys as the filesystem storage, behind MEDIA_S3_PREFIX.
 * Credentials from config, or the SDK's default chain when none are set
 * (IRSA / instance roles in Kubernetes).
 *
 * A put reads the body in parts of PART_BYTES: a medium that fits in one
 * (most do) is one PutObject, a larger one a multipart upload, completed
 * only once the body ended cleanly and aborted otherwise, so a failed or
 * refused medium leaves no object. The body is never handed to the SDK as a
 * stream: that needs its length up front (Meta's CDN may not declare it)
 * and `@aws-sdk/lib-storage` is not a dependency; a buffered part is a
 * bounded, retryable request.
 */
export class S3MediaStorage implements MediaStorage {
  private readonly client: S3Client;

  constructor(
    private readonly config: S3StorageConfig,
    timeouts: S3Timeouts = { connectTimeoutMs: 15_000, idleTimeoutMs: 30_000 },
  ) {
    this.client = new S3Client({
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      requestHandler: { connectionTimeout: timeouts.connectTimeoutMs, socketTimeout: timeouts.idleTimeoutMs },
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.credentials ? { credentials: config.credentials } : {}),
    });
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<void> {
    const target = { Bucket: this.config.bucket, Key: this.key(key) };
    const signal = options.signal ? { abortSignal: options.signal } : {};
    let uploadId: string | undefined;
    const parts: CompletedPart[] = [];
    try {
      const chunks: Buffer[] = [];
      let buffered = 0;
      for await (const chunk of body as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        buffered += chunk.length;
        if (buffered < PART_BYTES) continue;
        uploadId ??= (await this.client.send(new CreateMultipartUploadCommand(target), signal)).UploadId;
        await this.uploadPart(target, uploadId, parts, Buffer.concat(chunks.splice(0)), signal);
        buffered = 0;
      }
      const rest = Buffer.concat(chunks);
      if (uploadId === undefined) {
        await this.client.send(new PutObjectCommand({ ...target, Body: rest, ContentLength: rest.length }), signal);
        return;
      }
      if (rest.length > 0) await this.uploadPart(target, uploadId, parts, rest, signal);
      await this.client.send(new CompleteMultipartUploadCommand({ ...target, UploadId: uploadId, MultipartUpload: { Parts: parts } }), signal);
    } catch (error) {
      body.destroy();
      // Not under `signal`: it may be what failed. Best effort; a bucket lifecycle rule catches what a crash leaves.
      if (uploadId) await this.client.send(new AbortMultipartUploadCommand({ ...target, UploadId: uploadId })).catch(() => undefined);
      throw error;
    }
  }

  async open(key: string): Promise<StoredMedia | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: this.key(key) }));
      return { stream: out.Body instanceof Readable ? out.Body : Readable.from([]), size: out.ContentLength };
    } catch (error) {
      if (error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404)) return undefined;
      throw error;
    }
  }

  private key(key: string): string {
    return `${this.config.prefix}${key}`;
  }

  private async uploadPart(target: { Bucket: string; Key: string }, uploadId: string | undefined, parts: CompletedPart[], bytes: Buffer, signal: { abortSignal?: AbortSignal }): Promise<void> {
    if (!uploadId) throw new Error('S3 gave no UploadId');
    const PartNumber = parts.length + 1;
    const { ETag } = await this.client.send(new UploadPartCommand({ ...target, UploadId: uploadId, PartNumber, Body: bytes, ContentLength: bytes.length }), signal);
    parts.push({ ETag, PartNumber });
  }
}
