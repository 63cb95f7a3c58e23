import { type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV, type FunctionEnvironment } from '../functions/core/environment';
import { processedQueue } from './processed-queue';
import type { AlertQueues, QueuePair } from './alert-queues';
import type { AlertArchive } from './alert-archive';
import { archiveEnvironment } from './archive-props';

export interface PantherInboxProps {
  /** Where the processor sends: the alert queue, the routes, the quarantine. */
  readonly queues: AlertQueues;
  /** Panther's AWS account ids: the only principals allowed to send to the inbox. */
  readonly pantherAccountIds: readonly string[];
  readonly logRetention: logs.RetentionDays;
  /** Receives before a record that keeps failing moves to the inbox's dead-letter queue. */
  readonly maxReceiveCount: number;
  readonly removalPolicy: RemovalPolicy;
  /** The value of the processor's Forwarder metric dimension (the webhook's, so both doors count together). */
  readonly metricsScope: string;
  /** Where accepted alerts are also written, once each. */
  readonly archive?: AlertArchive;
  /** Merged over the processor's settings (checked by checkForwarderProps: `inboxFunctionProps`). @default none */
  readonly functionProps?: Partial<lambda.FunctionProps>;
  /**
   * How many processor instances the inbox's event source may run at once (2-1000), so that a burst
   * on the inbox leaves the account's concurrency to the webhook.
   * @default 5
   */
  readonly maxConcurrency?: number;
}

/** The inbox processor's default `maxConcurrency`. */
export const INBOX_MAX_CONCURRENCY = 5;

/**
 * The private door: a queue Panther's own Amazon SQS destination sends to (`SendMessage`, body only,
 * authorized by the queue policy alone), drained by a processor that puts every record through the
 * webhook's decision less the header check: alerts to the alert queue and their routes, with the
 * webhook's attributes, anything else to the quarantine. A record whose send fails is retried by
 * SQS (partial batch failure) and, after `maxReceiveCount` tries, waits on the inbox's dead-letter
 * queue. The inbox is standard (Panther sends no group id) and SQS-encrypted: Panther cannot use a
 * customer-managed key without a key policy, and a message stays here only until processed.
 */
export class PantherInbox extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly processor: lambda.Function;
  /** The inbox and its dead-letter queue, as monitoring watches them. */
  public readonly pair: QueuePair;

  constructor(scope: Construct, id: string, props: PantherInboxProps) {
    super(scope, id);
    const { queues } = props;
    ({
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      processor: this.processor,
    } = processedQueue(this, {
      processor: 'inbox-processor',
      processorProps: {
        description: "Checks alerts from Panther's SQS destination and puts them on the alert queue",
        environment: {
          [ENV.queueUrl]: queues.alerts.queue.queueUrl,
          [ENV.quarantineQueueUrl]: queues.quarantineQueue.queueUrl,
          [ENV.metricsScope]: props.metricsScope,
          ...(queues.routes.length ? { [ENV.routes]: queues.routesJson() } : {}),
          ...archiveEnvironment(props.archive),
        } satisfies FunctionEnvironment,
      },
      functionProps: props.functionProps,
      maxConcurrency: props.maxConcurrency ?? INBOX_MAX_CONCURRENCY,
      // No encryptionKey: SQS-managed always, as Panther's account cannot use a customer-managed key.
      what: 'inbox',
      logRetention: props.logRetention,
      maxReceiveCount: props.maxReceiveCount,
      removalPolicy: props.removalPolicy,
    }));
    // SendMessage only: Panther cannot read, delete or purge the inbox.
    this.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'PantherSendsAlerts',
        principals: props.pantherAccountIds.map((account) => new iam.AccountPrincipal(account)),
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
      }),
    );

    queues.grantSend(this.processor);
    props.archive?.grantWrite(this.processor);
    this.pair = { id: 'Inbox', queue: this.queue, deadLetterQueue: this.deadLetterQueue };
  }

  /**
   * The URL to paste into Panther's Amazon SQS destination, in the canonical form Panther needs (it
   * takes the region from the host name).
   */
  public get pantherQueueUrl(): string {
    const stack = Stack.of(this);
    return `https://sqs.${stack.region}.${stack.urlSuffix}/${stack.account}/${this.queue.queueName}`;
  }
}
