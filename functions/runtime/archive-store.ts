/**
 * The S3 client that reads the archive (replay, tail): the SDK's, with the project's per-attempt
 * deadline. Writes never go through it: the functions write with archive-writer.ts.
 */
import { Readable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
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
