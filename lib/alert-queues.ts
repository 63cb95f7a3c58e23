import { Annotations, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { routeId, type RouteFilter } from '../functions/core/routes';
import { FORWARDER_SETTINGS as SETTINGS } from '../functions/core/settings';
import { queueDefaults } from './processed-queue';

/** A queue and the dead-letter queue it hands what its consumers fail on: watched and granted as one. */
export interface QueuePair {
  /** `Alert`, or a route's id (`RoutePaging`): names alarms and outputs. */
  readonly id: string;
  readonly queue: sqs.IQueue;
  /** Unknown only for an existing queue whose dead-letter queue was not given. */
  readonly deadLetterQueue?: sqs.IQueue;
}

/** A route as created: its filter and its queues. */
export interface AlertRoute extends RouteFilter, QueuePair {}

export interface AlertQueuesProps {
  /** FIFO alert, route and dead-letter queues. @default false */
  readonly fifo?: boolean;
  /** Fan-out routes, already checked (checkRoutes). @default none */
  readonly routes?: readonly RouteFilter[];
  /** Of the alert and route queues; dead-letter queues and the quarantine always keep SQS's maximum. @default Duration.days(14) */
  readonly retentionPeriod?: Duration;
  /** @default Duration.seconds(30) */
  readonly visibilityTimeout?: Duration;
  /** @default 5 */
  readonly maxReceiveCount?: number;
  /** @default SQS-managed encryption */
  readonly encryptionKey?: kms.IKey;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** An alert queue to use instead of creating one (and its dead-letter queue, to watch). @default a new one */
  readonly existingQueue?: sqs.IQueue;
  /** @default the existing queue's own when it is a Queue of this app */
  readonly existingDeadLetterQueue?: sqs.IQueue;
  /** Merged over our settings for every queue created here (checked by checkForwarderProps). @default none */
  readonly queueProps?: sqs.QueueProps;
}

/** Exactly what consuming needs: receive, delete, extend visibility, read attributes, find the URL. */
const CONSUME_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
];

/**
 * Every queue of a forwarder: the alert queue and each route's queue, each paired with its own
 * dead-letter queue, and the quarantine queue. Encrypted, TLS-only, 1 MiB messages, retained by
 * default (they hold alerts nobody has read yet). Grants are made here, so they cover every pair.
 */
export class AlertQueues extends Construct {
  /** The alert queue and its dead-letter queue. */
  public readonly alerts: QueuePair;
  /** One per route, in the order given. */
  public readonly routes: readonly AlertRoute[];
  /** Authenticated bodies that were not Panther alerts. */
  public readonly quarantineQueue: sqs.Queue;
  /** The alert pair first, then every route's. */
  public readonly pairs: readonly QueuePair[];
  public readonly encryptionKey?: kms.IKey;
  /** Keys the receiver must encrypt with: ours, and an existing alert queue's own. */
  private readonly sendKeys: readonly kms.IKey[];

  constructor(scope: Construct, id: string, props: AlertQueuesProps = {}) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    const common: sqs.QueueProps = {
      ...queueDefaults(props.encryptionKey, props.removalPolicy ?? RemovalPolicy.RETAIN),
      ...props.queueProps,
    };
    const fifo = props.fifo ? { fifo: true, contentBasedDeduplication: false } : {};
    const pair = (pairId: string): QueuePair => {
      const deadLetterQueue = new sqs.Queue(this, `${pairId === 'Alert' ? '' : pairId}DeadLetterQueue`, { ...common, ...fifo });
      Validations.of(deadLetterQueue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is a dead-letter queue; it needs none of its own.',
      });
      const queue = new sqs.Queue(this, `${pairId}Queue`, {
        ...common,
        ...fifo,
        retentionPeriod: props.retentionPeriod ?? Duration.days(SETTINGS.retentionDays),
        visibilityTimeout: props.visibilityTimeout ?? Duration.seconds(SETTINGS.visibilityTimeoutSeconds),
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? SETTINGS.maxReceiveCount },
      });
      return { id: pairId, queue, deadLetterQueue };
    };
    this.alerts = props.existingQueue
      ? existingPair(this, props.existingQueue, props.existingDeadLetterQueue, props.fifo ?? false)
      : pair('Alert');
    const existingKey = props.existingQueue?.encryptionMasterKey;
    this.sendKeys = [props.encryptionKey, existingKey].filter((key): key is kms.IKey => key !== undefined);
    this.routes = (props.routes ?? []).map((route) => ({ ...route, ...pair(routeId(route.name)) }));
    this.pairs = [this.alerts, ...this.routes];
    // The quarantine is always standard: what only a FIFO queue takes stays off it.
    const { fifoThroughputLimit: _limit, deduplicationScope: _scope, ...standard } = common;
    this.quarantineQueue = new sqs.Queue(this, 'QuarantineQueue', standard);
    Validations.of(this.quarantineQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue holds payloads to inspect and redrive; it needs no dead-letter queue of its own.',
    });
  }

  /** The routes as the receiver's ROUTES (and `redrive --routes`) take them, as JSON. */
  public routesJson(): string {
    return Stack.of(this).toJsonString(
      this.routes.map(({ name, severities, types, queue }) => ({ name, queueUrl: queue.queueUrl, severities, types })),
    );
  }

  /** The queues a subscriber may read: the alert queue and every route's queue. */
  public get consumableQueues(): sqs.IQueue[] {
    return this.pairs.map((p) => p.queue);
  }

  /** Decrypting with the queues' key is allowed through SQS only, never directly. */
  private get throughSqsOnly() {
    return { StringEquals: { 'kms:ViaService': `sqs.${Stack.of(this).region}.${Stack.of(this).urlSuffix}` } };
  }

  /** Exactly SendMessage on the alert, route and quarantine queues (not the extras grantSendMessages adds). */
  public grantSend(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['sqs:SendMessage'],
      resourceArns: [...this.consumableQueues, this.quarantineQueue].map((queue) => queue.queueArn),
    });
    for (const key of this.sendKeys) key.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
  }

  /** Lets a role or function in this account consume the alert and route queues (and decrypt them). */
  public grantConsumeMessages(grantee: iam.IGrantable): void {
    for (const queue of this.consumableQueues) {
      iam.Grant.addToPrincipal({ grantee, actions: CONSUME_ACTIONS, resourceArns: [queue.queueArn] });
    }
    if (this.encryptionKey) {
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['kms:Decrypt'],
        resourceArns: [this.encryptionKey.keyArn],
        conditions: this.throughSqsOnly,
      });
    }
  }

  /** Queue policy statements (and key policy, for a key of this stack) for principals elsewhere. */
  public grantConsumersElsewhere(principals: readonly iam.IPrincipal[]): void {
    if (principals.length === 0) return;
    for (const queue of this.consumableQueues) {
      const { statementAdded } = queue.addToResourcePolicy(
        new iam.PolicyStatement({ principals: [...principals], actions: CONSUME_ACTIONS, resources: [queue.queueArn] }),
      );
      if (!statementAdded) {
        Annotations.of(this).addWarningV2(
          'panther-alert-forwarder:existing-queue-policy',
          `The policy of ${queue.node.path} is not this stack's: add the consumers' statement to it yourself`,
        );
      }
    }
    this.encryptionKey?.addToResourcePolicy(
      new iam.PolicyStatement({ principals: [...principals], actions: ['kms:Decrypt'], resources: ['*'], conditions: this.throughSqsOnly }),
    );
  }
}

/**
 * An alert queue that already exists, with its dead-letter queue when it can be known. Checked at
 * synth where this app can see it: FIFO as `fifo` says, 1 MiB messages.
 */
function existingPair(scope: Construct, queue: sqs.IQueue, deadLetterQueue: sqs.IQueue | undefined, fifo: boolean): QueuePair {
  const fail = (why: string): never => {
    throw new Error(`PantherAlertForwarder: existingQueue ${why}`);
  };
  if (queue.fifo !== fifo) fail(queue.fifo ? 'is FIFO: set fifo: true as well' : 'is not FIFO, but fifo is true');
  const declared = queue instanceof sqs.Queue ? (queue.node.defaultChild as sqs.CfnQueue).maximumMessageSize : undefined;
  if (typeof declared === 'number' && declared < SETTINGS.maxMessageBytes) {
    fail(`takes messages of at most ${declared} bytes: the receiver accepts alerts up to ${SETTINGS.maxMessageBytes}`);
  }
  const known = deadLetterQueue ?? (queue instanceof sqs.Queue ? queue.deadLetterQueue?.queue : undefined);
  if (known === undefined) {
    Annotations.of(scope).addWarningV2(
      'panther-alert-forwarder:existing-queue-without-dlq',
      'existingQueue has no known dead-letter queue: nothing watches what its consumers fail on (give existingDeadLetterQueue)',
    );
  }
  return { id: 'Alert', queue, ...(known ? { deadLetterQueue: known } : {}) };
}
