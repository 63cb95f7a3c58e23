import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { routeId, type RouteFilter } from '../functions/core/routes';
import { FORWARDER_SETTINGS as SETTINGS } from '../functions/core/settings';

/** A queue and the dead-letter queue it hands what its consumers fail on: watched and granted as one. */
export interface QueuePair {
  /** `Alert`, or a route's id (`RoutePaging`): names alarms and outputs. */
  readonly id: string;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
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

  constructor(scope: Construct, id: string, props: AlertQueuesProps = {}) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    const common: sqs.QueueProps = {
      ...(props.encryptionKey
        ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: props.encryptionKey }
        : { encryption: sqs.QueueEncryption.SQS_MANAGED }),
      enforceSSL: true,
      maxMessageSizeBytes: SETTINGS.maxMessageBytes,
      // What waits here waits for a person: as long as SQS allows, and their age alarms warn before it expires.
      retentionPeriod: Duration.days(SETTINGS.retentionDays),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
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
    this.alerts = pair('Alert');
    this.routes = (props.routes ?? []).map((route) => ({ ...route, ...pair(routeId(route.name)) }));
    this.pairs = [this.alerts, ...this.routes];
    this.quarantineQueue = new sqs.Queue(this, 'QuarantineQueue', common);
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
  public get consumableQueues(): sqs.Queue[] {
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
    this.encryptionKey?.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
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
      queue.addToResourcePolicy(
        new iam.PolicyStatement({ principals: [...principals], actions: CONSUME_ACTIONS, resources: [queue.queueArn] }),
      );
    }
    this.encryptionKey?.addToResourcePolicy(
      new iam.PolicyStatement({ principals: [...principals], actions: ['kms:Decrypt'], resources: ['*'], conditions: this.throughSqsOnly }),
    );
  }
}
