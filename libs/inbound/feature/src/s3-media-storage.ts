import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';

import type { S3StorageConfig } from '@wahooks/config';

import type { MediaStorage } from './media-storage';

/**
 * Media in an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, Ceph…),
 * under the same keys as the filesystem storage, behind MEDIA_PREFIX.
 * Credentials from config, or the SDK's default chain when none are set
 * (IRSA / instance roles in Kubernetes).
 */
export class S3MediaStorage implements MediaStorage {
  private readonly client: S3Client;

  constructor(private readonly config: S3StorageConfig) {
    this.client = new S3Client({
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.credentials ? { credentials: config.credentials } : {}),
    });
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.config.bucket, Key: this.key(key), Body: bytes, ContentLength: bytes.length }));
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: this.key(key) }));
      return out.Body ? Buffer.from(await out.Body.transformToByteArray()) : Buffer.alloc(0);
    } catch (error) {
      if (error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404)) return undefined;
      throw error;
    }
  }

  private key(key: string): string {
    return `${this.config.prefix}${key}`;
  }
}
