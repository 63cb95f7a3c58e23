/**
 * The archive's test plumbing on a real fauxqs (SQS and S3 on one port): a fresh bucket and queue,
 * alerts archived as the receiver archives them, and SQS records as local mode's event source hands
 * them to a function.
 */
import { CreateBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { archiveObjectOf } from '../../functions/core/archive-object';
import { awsDateTimeToEpochMs } from '../../functions/core/aws-date-time';
import { decidePayload } from '../../functions/core/webhook-core';
import { archiveSender } from '../../functions/runtime/archive-writer';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../functions/runtime/local-aws';
import { createSqsClient } from '../../functions/runtime/queue-sender';
import { sqsRecordOf } from '../../local/sqs-event-source';
import { drainQueue } from './queue';

let made = 0;
/** A name no earlier test of this process used (lower case: buckets need it). */
export const freshName = (what: string) => `${what}-${process.pid}-${++made}`;

export async function freshBucket(s3: S3Client): Promise<string> {
  const bucket = freshName('archive');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

export async function freshQueue(sqs: SQSClient, attributes: Record<string, string> = {}, suffix = ''): Promise<string> {
  return (await sqs.send(new CreateQueueCommand({ QueueName: `${freshName('queue')}${suffix}`, Attributes: attributes }))).QueueUrl!;
}

/** The object the receiver writes for an accepted alert's body, arriving a minute after its createdAt unless told when. */
export function archivedObjectOf(body: string, { prefix = 'alerts/', arrivalMs }: { prefix?: string; arrivalMs?: number } = {}) {
  const decision = decidePayload({ body }, 'reject');
  if (decision.action !== 'enqueue') throw new Error(`not an alert the receiver would accept: ${body.slice(0, 200)}`);
  const arrival = arrivalMs ?? awsDateTimeToEpochMs(decision.alert.createdAt)! + 60_000;
  return { decision, object: archiveObjectOf(decision, arrival, prefix) };
}

/**
 * Writes bodies into a bucket as the receiver archives an accepted alert (the core's object, the
 * runtime's conditional PUT), each arriving a minute after its createdAt unless `arrivalMs` says when.
 */
export async function archiveAsReceiver(
  endpoint: string,
  bucket: string,
  bodies: readonly string[],
  { prefix = 'alerts/', arrivalMs }: { prefix?: string; arrivalMs?: number } = {},
): Promise<void> {
  const target = { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const sqs = createSqsClient(target);
  const write = archiveSender(sqs.config, target);
  try {
    for (const body of bodies) {
      const { decision, object } = archivedObjectOf(body, { prefix, ...(arrivalMs === undefined ? {} : { arrivalMs }) });
      const written = await write({ kind: 'archive', bucket, object }, decision.messageBody);
      if (!written.ok) throw new Error(`archive write failed: ${written.error}`);
    }
  } finally {
    sqs.destroy();
  }
}

/** Everything on the queue (exactly `expected` messages), as records. */
export async function receiveRecords(sqs: SQSClient, queueUrl: string, expected: number): Promise<SQSRecord[]> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  const messages = await drainQueue(sqs, queueUrl, { expected });
  if (messages.length !== expected) throw new Error(`expected ${expected} messages on ${queueUrl}, got ${messages.length}`);
  return messages.map((message) => sqsRecordOf(message, Attributes!.QueueArn!));
}

/** Every key under a prefix (one page: tests write far fewer than 1,000). */
export async function keysIn(s3: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  if (listed.IsTruncated) throw new Error('more than one page: the test wrote more than it should');
  return (listed.Contents ?? []).map((object) => object.Key!);
}
