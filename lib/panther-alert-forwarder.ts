import { type Duration, Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { InvalidPayloadMode } from '../functions/core/settings';
import { type AlertRoute, AlertQueues, type QueuePair } from './alert-queues';
import { AlertArchive, type ArchiveReadOptions } from './alert-archive';
import { type AlertBus, addAlertBus } from './alert-bus';
import { alertBusChoice } from './alert-bus-props';
import { ExampleConsumer } from './example-consumer';
import { checkForwarderProps } from './forwarder-checks';
import type { AlertRouteProps, PantherAlertForwarderProps } from './forwarder-props';
import { PantherInbox } from './panther-inbox';
import { WebhookReceiver } from './webhook-receiver';

export type { AlertRoute, AlertRouteProps, PantherAlertForwarderProps, QueuePair };

/**
 * Panther → your queues, through either door or both. The webhook: Panther's Custom Webhook
 * destination → API Gateway (`POST /alerts`) → a Lambda that authenticates Panther's secret header
 * and validates the alert, answering 2xx only once SQS has it. The inbox: Panther's own Amazon SQS
 * destination → a queue only Panther may send to → a processor making the same decision. Both end
 * in the same encrypted SQS queues, each with a dead-letter queue (plus fan-out routes, a quarantine
 * queue for what is not an alert). Composed of AlertQueues, WebhookReceiver, PantherInbox and
 * ExampleConsumer; every prop is checked at synth (forwarder-props.ts), so that nothing deploys that
 * would fail at a cold start.
 */
export class PantherAlertForwarder extends Construct {
  /** The webhook (secret, receiver, REST API), unless `webhook: false`. */
  public readonly webhook?: WebhookReceiver;
  /** The regional REST API Panther posts to (with the webhook). */
  public readonly api?: apigateway.RestApi;
  /** The URL to paste into Panther's "Custom Webhook URL" field (with the webhook). */
  public readonly webhookUrl?: string;
  /** The receiver Lambda function (with the webhook). */
  public readonly receiver?: lambda.Function;
  /** The inbox Panther's Amazon SQS destination sends to, when `pantherAccountIds` are given. */
  public readonly inbox?: PantherInbox;
  /** The S3 archive (bucket, Glue table, Athena workgroup), unless `archive: false`. */
  public readonly archive?: AlertArchive;
  /** The functions that drain a queue (the inbox's): what monitoring watches for errors. */
  public readonly processors: readonly { readonly id: string; readonly function: lambda.IFunction }[];
  /** Every queue, and the grants on them. */
  public readonly queues: AlertQueues;
  /** Where every accepted alert lands, body byte for byte, with routing attributes. */
  public readonly alertQueue: sqs.IQueue;
  /** Where alerts go after `maxReceiveCount` failed consumer attempts (unknown for an existing queue given without one). */
  public readonly deadLetterQueue?: sqs.IQueue;
  /** Bodies that were not Panther alerts, with the reason. */
  public readonly quarantineQueue: sqs.Queue;
  /** The shared secret, as JSON {current, previous?}; generated at deploy time, retained (with the webhook). */
  public readonly webhookSecret?: secretsmanager.Secret;
  /** The header Panther must send the secret in. */
  public readonly authHeaderName: string;
  /** Whether non-alerts are quarantined (202) or refused (400) by the webhook. */
  public readonly invalidPayloads: InvalidPayloadMode;
  /** API Gateway's access log (JSON, no bodies, no headers), with the webhook. */
  public readonly accessLogs?: logs.LogGroup;
  /** The fan-out routes, with their queues. */
  public readonly routes: readonly AlertRoute[];
  /** Every queue and its dead-letter queue (alert queue, routes, the inbox): what monitoring watches. */
  public readonly queuePairs: readonly QueuePair[];
  /** The value of the Forwarder dimension on this forwarder's metrics: its stack and path. */
  public readonly metricsScope: string;
  /** How long past its refresh the receiver trusts a cached secret while Secrets Manager fails. */
  public readonly maxSecretStaleness: Duration;
  /** The EventBridge bus every accepted alert is also put on, with `eventBus` or `eventBusArn` (alert-bus.ts). */
  public readonly bus?: AlertBus;
  /** The example consumer, when `exampleConsumer` is set. */
  public readonly exampleConsumer?: lambda.Function;

  constructor(scope: Construct, id: string, props: PantherAlertForwarderProps = {}) {
    super(scope, id);
    const config = checkForwarderProps(props);
    this.authHeaderName = config.authHeaderName;
    this.invalidPayloads = config.invalidPayloads;
    this.maxSecretStaleness = config.maxSecretStaleness;
    this.metricsScope = `${Stack.of(this).stackName}/${this.node.path}`;

    this.queues = new AlertQueues(this, 'Queues', {
      fifo: config.fifo,
      routes: config.routes,
      retentionPeriod: config.retentionPeriod,
      visibilityTimeout: config.visibilityTimeout,
      maxReceiveCount: config.maxReceiveCount,
      encryptionKey: config.encryptionKey,
      removalPolicy: config.queueRemovalPolicy,
      existingQueue: config.existingQueue,
      existingDeadLetterQueue: config.existingDeadLetterQueue,
      queueProps: config.queueProps,
    });
    ({ queue: this.alertQueue, deadLetterQueue: this.deadLetterQueue } = this.queues.alerts);
    this.quarantineQueue = this.queues.quarantineQueue;
    this.routes = this.queues.routes;

    if (config.archive) {
      this.archive = new AlertArchive(this, 'Archive', {
        archiveDays: config.archiveDays,
        objectLock: config.archiveLock,
        bytesScannedCutoffPerQuery: config.archiveScanCutoffBytes,
        encryptionKey: config.encryptionKey,
      });
    }
    const { archive } = this;

    if (config.webhook) {
      this.webhook = new WebhookReceiver(this, 'Webhook', { ...config, queues: this.queues, metricsScope: this.metricsScope, archive });
      this.api = this.webhook.api;
      this.webhookUrl = this.webhook.webhookUrl;
      this.receiver = this.webhook.function;
      this.webhookSecret = this.webhook.secret;
      this.accessLogs = this.webhook.accessLogs;
    }
    if (config.pantherAccountIds.length > 0) {
      this.inbox = new PantherInbox(this, 'Inbox', {
        queues: this.queues,
        pantherAccountIds: config.pantherAccountIds,
        logRetention: config.logRetention,
        maxReceiveCount: config.maxReceiveCount,
        removalPolicy: config.queueRemovalPolicy,
        metricsScope: this.metricsScope,
        archive,
        functionProps: config.inboxFunctionProps,
        maxConcurrency: config.inboxMaxConcurrency,
      });
    }
    // The event bus (alert-bus.ts): only when configured, so a forwarder without one is unchanged.
    this.bus = addAlertBus(
      this,
      {
        choice: alertBusChoice(props),
        consumerAccountIds: config.consumerAccountIds,
        metricsScope: this.metricsScope,
      },
      [
        { id: 'Receiver', function: this.receiver },
        { id: 'Inbox', function: this.inbox?.processor },
      ],
    );
    const drained = [this.inbox].filter((part) => part !== undefined);
    this.queuePairs = [...this.queues.pairs, ...drained.map((part) => part.pair)];
    this.processors = drained.map((part) => ({ id: part.pair.id, function: part.processor }));

    const consumers = [
      ...config.consumerAccountIds.map((account) => new iam.AccountPrincipal(account)),
      ...config.consumerRoleArns.map((arn) => new iam.ArnPrincipal(arn)),
    ];
    this.queues.grantConsumersElsewhere(consumers);
    // Whoever may read the alerts may read their archive.
    this.archive?.grantReadToPrincipals(consumers);
    if (config.exampleConsumer) {
      this.exampleConsumer = new ExampleConsumer(this, 'Example', {
        queue: this.alertQueue,
        visibilityTimeout: config.visibilityTimeout,
        logRetention: config.logRetention,
        functionProps: config.consumerFunctionProps,
      }).function;
    }
  }

  /** The queues a subscriber may read: the alert queue and every route's queue. */
  public get consumableQueues(): sqs.IQueue[] {
    return this.queues.consumableQueues;
  }

  /** Lets a role or function in this account consume the alert and route queues (and decrypt them). */
  public grantConsumeMessages(grantee: iam.IGrantable): void {
    this.queues.grantConsumeMessages(grantee);
  }

  /**
   * Lets a role in this account query the archive with Athena (and read it; the bodies that were not
   * alerts only with `includeInvalid`); nothing without the archive.
   */
  public grantQueryArchive(grantee: iam.IGrantable, options?: ArchiveReadOptions): void {
    this.archive?.grantQuery(grantee, options);
  }
}
