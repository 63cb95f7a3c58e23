/** How local mode and the CLI reach an SQS (and S3) server on this machine (fauxqs), with no AWS account. */
import type { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { FORWARDER_SETTINGS } from '../core/settings';
import { createS3Client } from './archive-store';

export const LOCAL_REGION = 'us-east-1';

/** The shared settings, and the names only local mode and the CLI's `--local` use. */
export const LOCAL_SETTINGS = {
  ...FORWARDER_SETTINGS,
  /** The local alert queue's name (the stack lets CloudFormation name its queues). */
  localQueueName: 'panther-alerts',
  /** Local mode's archive bucket on the embedded S3 (fauxqs serves S3 on the SQS port). */
  localArchiveBucket: 'panther-alert-archive',
} as const;
/** fauxqs accepts any credentials; the SDK still wants some. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** A client for a local server. Queue URLs from fauxqs name an unresolvable host: use the endpoint. */
export function localSqsClient(endpoint: string): SQSClient {
  return new SQSClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, useQueueUrlAsEndpoint: false });
}

/**
 * An S3 client for a local server (fauxqs serves S3 on its SQS port), with the same attempt deadlines
 * as in AWS. An IP endpoint gets path-style requests from the SDK by itself.
 */
export function localS3Client(endpoint: string): S3Client {
  return createS3Client({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}
