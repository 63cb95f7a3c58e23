/**
 * The S3 side of the archive: a client with the project's per-attempt deadline, and PutObject of one
 * archived body. The archive processor writes with it; replay reads with the same client.
 */
import { Readable } from 'node:stream';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ArchiveObject } from '../core/archive-object';
import { AttemptDeadlineHttpHandler } from './attempt-deadline';
import { type AwsClientTarget, awsClientOptions, S3_LIMITS } from './aws-client-options';

/**
 * The attempt deadline hands on an answer's body already read, as bytes. GetObject passes its body to
 * the SDK's stream mixin, which takes a Readable only: give it one over those bytes (every other S3
 * answer reads a Readable as well as bytes).
 */
class S3AttemptDeadlineHttpHandler extends AttemptDeadlineHttpHandler {
  override async handle(...args: Parameters<AttemptDeadlineHttpHandler['handle']>): ReturnType<AttemptDeadlineHttpHandler['handle']> {
    const { response } = await super.handle(...args);
    response.body = Readable.from([Buffer.from(response.body as Uint8Array)], { objectMode: false });
    return { response };
  }
}

/**
 * Without an endpoint the client follows the SDK's own resolution (AWS_REGION, AWS_ENDPOINT_URL_S3,
 * AWS_ENDPOINT_URL). An IP endpoint (a local server) gets path-style requests from the SDK by itself.
 */
export function createS3Client(target: AwsClientTarget = {}): S3Client {
  return new S3Client(awsClientOptions(target, S3_LIMITS, new S3AttemptDeadlineHttpHandler(target.limits ?? S3_LIMITS)));
}

/** Writes one archived object; throws when S3 did not take it. */
export type ArchiveWriter = (object: ArchiveObject) => Promise<void>;

/** S3's answer to a conditional write whose key exists already. */
function alreadyThere(error: unknown): boolean {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 412;
}

export function s3ArchiveWriter(s3: S3Client, bucket: string): ArchiveWriter {
  return async ({ key, body, contentType, metadata }) => {
    try {
      // The SDK adds a CRC32 of the bytes (its default for PutObject): S3 refuses a body damaged on the way.
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: Buffer.from(body, 'utf8'),
          ContentType: contentType,
          Metadata: { ...metadata },
          // Write once: the key is the body's hash, so an object already there holds these bytes. A
          // retry or duplicate then adds no version (under Object Lock, none locked for archiveDays).
          IfNoneMatch: '*',
        }),
      );
    } catch (error) {
      if (!alreadyThere(error)) throw error;
    }
  };
}
