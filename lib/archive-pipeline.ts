import type { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { processedQueue } from './processed-queue';
import type { AlertArchive } from './alert-archive';
import type { QueuePair } from './alert-queues';

export interface ArchivePipelineProps {
  /** Where the processor writes. */
  readonly archive: AlertArchive;
  /** @default SQS-managed encryption */
  readonly encryptionKey?: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly maxReceiveCount: number;
  readonly removalPolicy: RemovalPolicy;
  readonly metricsScope: string;
}

/**
 * How an accepted alert reaches the archive: the doors send it to the archive queue (under the same
 * promise as the alert queue: no 2xx, no processed record, unless it took it), and the archive
 * processor writes it to S3 byte for byte. A write that keeps failing waits on the archive's
 * dead-letter queue, watched like every other pair. The queue is standard even in FIFO mode: the
 * archive's object keys, not the queue, make a repeat land on the same object.
 */
export class ArchivePipeline extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly processor: lambda.Function;
  /** The archive queue and its dead-letter queue, as monitoring watches them. */
  public readonly pair: QueuePair;
  private readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: ArchivePipelineProps) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    const { archive } = props;
    ({
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      processor: this.processor,
    } = processedQueue(this, {
      processor: 'archive-processor',
      processorProps: {
        description: 'Writes every accepted Panther alert to the S3 archive, byte for byte',
        environment: { ARCHIVE_BUCKET: archive.bucket.bucketName, ARCHIVE_PREFIX: archive.prefix, METRICS_SCOPE: props.metricsScope },
      },
      what: 'archive queue',
      encryptionKey: props.encryptionKey,
      logRetention: props.logRetention,
      maxReceiveCount: props.maxReceiveCount,
      removalPolicy: props.removalPolicy,
    }));
    archive.grantWrite(this.processor);
    this.pair = { id: 'Archive', queue: this.queue, deadLetterQueue: this.deadLetterQueue };
  }

  /** Exactly SendMessage on the archive queue (and its key), for the functions that hand alerts in. */
  public grantSend(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: ['sqs:SendMessage'], resourceArns: [this.queue.queueArn] });
    this.encryptionKey?.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
  }
}
