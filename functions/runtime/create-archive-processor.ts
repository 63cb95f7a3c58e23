/**
 * The archive processor as a factory: an SQS-triggered Lambda handler that writes each message of the
 * archive queue to S3 (archive-object.ts says what, archive-key.ts where) and reports the messages
 * it could not write, and only those, so SQS delivers only them again (ReportBatchItemFailures).
 * Writes are idempotent (the key is a function of the body), so a redelivery rewrites the same object.
 */
import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ArchiveConfig } from '../core/archive-config';
import { archiveObjectFor, type ReceivedAttributes } from '../core/archive-object';
import type { AwsClientTarget } from './aws-client-options';
import { type ArchiveWriter, createS3Client, s3ArchiveWriter } from './archive-store';
import { describeError } from './errors';
import { type ArchiveRecord, stdoutArchiveLog } from './request-log';

export interface ArchiveProcessorDependencies {
  readonly write: ArchiveWriter;
  /** One call per message; none when undefined. */
  readonly log?: (record: ArchiveRecord) => void;
}

export type ArchiveHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

/** The String message attributes of a record, by name (Lambda spells the value `stringValue`). */
function receivedAttributes(record: SQSRecord): ReceivedAttributes {
  return Object.fromEntries(Object.entries(record.messageAttributes ?? {}).map(([name, value]) => [name, value.stringValue]));
}

/** When SQS took the message (the same on every redelivery); now for a hand-built event without it. */
function arrivalMs(record: SQSRecord): number {
  const sent = Number(record.attributes?.SentTimestamp);
  return Number.isFinite(sent) && sent > 0 ? sent : Date.now();
}

export function createArchiveProcessor(
  config: Pick<ArchiveConfig, 'prefix'>,
  { write, log = () => undefined }: ArchiveProcessorDependencies,
): ArchiveHandler {
  /** The record's failure, or undefined once S3 has it. Never throws: one record never fails another. */
  async function archive(record: SQSRecord): Promise<SQSBatchItemFailure | undefined> {
    const started = performance.now();
    const durationMs = () => Math.round(performance.now() - started);
    let key = '';
    try {
      const object = archiveObjectFor(record.body, receivedAttributes(record), arrivalMs(record), config.prefix);
      key = object.key;
      await write(object);
      const invalid = object.placement.kind === 'invalid' ? { reason: object.placement.reason } : undefined;
      log({ outcome: invalid ? 'archived-invalid' : 'archived', messageId: record.messageId, key, durationMs: durationMs(), ...invalid });
      return undefined;
    } catch (error) {
      log({ outcome: 'failed', messageId: record.messageId, key, durationMs: durationMs(), error: describeError(error) });
      return { itemIdentifier: record.messageId };
    }
  }

  // In parallel: the archive queue is always a standard queue, where order means nothing.
  return async (event) => {
    const outcomes = await Promise.all(event.Records.map(archive));
    return { batchItemFailures: outcomes.filter((failure) => failure !== undefined) };
  };
}

/** The processor's real dependencies: S3 (the SDK's own resolution unless a target is given) and the stdout log. */
export function archiveProcessorDependencies(config: ArchiveConfig, target?: AwsClientTarget): ArchiveProcessorDependencies {
  return {
    write: s3ArchiveWriter(createS3Client(target), config.bucket),
    ...(config.requestLog ? { log: stdoutArchiveLog(config.metricsScope) } : {}),
  };
}
