import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FORWARDER_SETTINGS as SETTINGS } from '../functions/core/settings';
import type { AlertArchive } from './alert-archive';
import type { QueuePair } from './alert-queues';
import { bundledFunction } from './bundled-function';

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

/** The processor's timeout; the archive queue hides a received batch six times as long (AWS's rule for Lambda sources). */
const PROCESSOR_TIMEOUT = Duration.seconds(30);

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
    const common = {
      ...(props.encryptionKey
        ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: props.encryptionKey }
        : { encryption: sqs.QueueEncryption.SQS_MANAGED }),
      enforceSSL: true,
      maxMessageSizeBytes: SETTINGS.maxMessageBytes,
      retentionPeriod: Duration.days(SETTINGS.retentionDays),
      removalPolicy: props.removalPolicy,
    };
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', common);
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the archive queue’s dead-letter queue; it needs none of its own.',
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      ...common,
      visibilityTimeout: Duration.seconds(PROCESSOR_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });

    const { archive } = props;
    this.processor = bundledFunction(this, 'Processor', 'archive-processor', props.logRetention, {
      description: 'Writes every accepted Panther alert to the S3 archive, byte for byte',
      memorySize: 512,
      timeout: PROCESSOR_TIMEOUT,
      environment: { ARCHIVE_BUCKET: archive.bucket.bucketName, ARCHIVE_PREFIX: archive.prefix, METRICS_SCOPE: props.metricsScope },
    });
    archive.grantWrite(this.processor);
    this.processor.addEventSource(new SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true }));
    this.pair = { id: 'Archive', queue: this.queue, deadLetterQueue: this.deadLetterQueue };
  }

  /** Exactly SendMessage on the archive queue (and its key), for the functions that hand alerts in. */
  public grantSend(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: ['sqs:SendMessage'], resourceArns: [this.queue.queueArn] });
    this.encryptionKey?.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
  }
}
