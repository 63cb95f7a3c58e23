/**
 * What every queue of this project shares, and the one shape two of them share besides: a queue
 * drained by one of the project's functions (the inbox).
 */
import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { FORWARDER_SETTINGS as SETTINGS } from '../functions/core/settings';
import { bundledFunction, type BundledFunctionProps, type FunctionName } from './bundled-function';

/**
 * Encrypted (the key when given, else SQS-managed), TLS-only, 1 MiB messages, SQS's longest
 * retention: what waits in a queue here may wait for a person, and its age alarm warns before it expires.
 */
export function queueDefaults(encryptionKey: kms.IKey | undefined, removalPolicy: RemovalPolicy): sqs.QueueProps {
  return {
    ...(encryptionKey
      ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: encryptionKey }
      : { encryption: sqs.QueueEncryption.SQS_MANAGED }),
    enforceSSL: true,
    maxMessageSizeBytes: SETTINGS.maxMessageBytes,
    retentionPeriod: Duration.days(SETTINGS.retentionDays),
    removalPolicy,
  };
}

/** A processor's timeout unless its props say otherwise; its queue hides a received batch six times as long (AWS's rule for Lambda sources). */
const PROCESSOR_TIMEOUT = Duration.seconds(30);

export interface ProcessedQueueOptions {
  /** The function that drains it, with what it adds to the shared settings. */
  readonly processor: FunctionName;
  readonly processorProps: Pick<BundledFunctionProps, 'description' | 'environment'>;
  /** Merged over the processor's settings (checked by checkForwarderProps); its environment over ours, under the construct's own variables. */
  readonly functionProps?: Partial<lambda.FunctionProps>;
  /** How many processor instances the event source may run at once (2-1000). */
  readonly maxConcurrency: number;
  /** Whose dead-letter queue it is, for cdk-nag's acknowledgement. */
  readonly what: string;
  readonly encryptionKey?: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly maxReceiveCount: number;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A queue with its dead-letter queue, drained by a function of this project with partial batch
 * failures: a record that keeps failing waits on the dead-letter queue. Made in `scope` itself
 * (`DeadLetterQueue`, `Queue`, `Processor`), so the callers' logical ids are their own.
 */
export function processedQueue(
  scope: Construct,
  options: ProcessedQueueOptions,
): { readonly queue: sqs.Queue; readonly deadLetterQueue: sqs.Queue; readonly processor: lambda.Function } {
  const common = queueDefaults(options.encryptionKey, options.removalPolicy);
  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', common);
  Validations.of(deadLetterQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is the ${options.what}’s dead-letter queue; it needs none of its own.`,
  });
  const { functionProps = {} } = options;
  const timeout = functionProps.timeout ?? PROCESSOR_TIMEOUT;
  const queue = new sqs.Queue(scope, 'Queue', {
    ...common,
    visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: options.maxReceiveCount },
  });
  const processor = bundledFunction(scope, 'Processor', options.processor, options.logRetention, {
    memorySize: 512,
    description: options.processorProps.description,
    ...functionProps,
    timeout,
    environment: { ...functionProps.environment, ...options.processorProps.environment },
  });
  processor.addEventSource(
    new SqsEventSource(queue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: options.maxConcurrency }),
  );
  return { queue, deadLetterQueue, processor };
}
