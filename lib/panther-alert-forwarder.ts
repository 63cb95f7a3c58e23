import { type Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PantherAlert } from '../functions/core/generated/panther-alert';
import type { InvalidPayloadMode } from '../functions/core/settings';
import { type AlertRoute, AlertQueues, type QueuePair } from './alert-queues';
import { ExampleConsumer } from './example-consumer';
import { checkForwarderProps } from './forwarder-config';
import { WebhookReceiver } from './webhook-receiver';

export type { AlertRoute, QueuePair };

export interface PantherAlertForwarderProps {
  /**
   * Steady-state requests per second the API stage accepts before answering 429, which Panther retries
   * (every 15 minutes or more, up to 10 times). With the default burst, a storm whose retries come
   * back synchronized is absorbed up to 11 × (burst + rate × the seconds its arrival spans), 2,200
   * for an instant storm, and about 900,000 when retries spread over the 15 minutes
   * (docs/operate.md: Capacity).
   * @default 100
   */
  readonly throttlingRateLimit?: number;
  /**
   * Burst of requests the API stage accepts at once.
   * @default 200
   */
  readonly throttlingBurstLimit?: number;
  /**
   * Name of the API stage, the last part of the webhook URL's path prefix.
   * @default 'v1'
   */
  readonly stageName?: string;
  /**
   * How long alerts wait on the alert queue and the dead-letter queue for a consumer.
   * @default Duration.days(14) (SQS's maximum)
   */
  readonly retentionPeriod?: Duration;
  /**
   * How many times a consumer may receive an alert before it moves to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * How long a received alert stays invisible to other consumers.
   * @default Duration.seconds(30) (SQS's default)
   */
  readonly visibilityTimeout?: Duration;
  /**
   * Memory of the receiver function (CPU scales with it).
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Retention of the receiver's log group.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the queues when they leave the stack. They hold alerts nobody has read yet,
   * so they are kept unless you say otherwise.
   * @default RemovalPolicy.RETAIN
   */
  readonly queueRemovalPolicy?: RemovalPolicy;
  /**
   * The custom header Panther sends the shared secret in (Panther: Custom Webhook > custom headers).
   * @default 'X-Panther-Webhook-Secret'
   */
  readonly authHeaderName?: string;
  /**
   * What an authenticated body that is not a Panther alert gets: `quarantine` (kept on the
   * quarantine queue, 202) or `reject` (400, Panther retries and finally drops it).
   * @default 'quarantine'
   */
  readonly invalidPayloads?: InvalidPayloadMode;
  /**
   * Source IPs or CIDRs allowed to call the API (Panther's "Gateway Public IP", Settings > General),
   * enforced by the REST API's resource policy. Empty: no IP restriction (the secret still applies).
   * @default []
   */
  readonly allowedSourceIps?: string[];
  /**
   * A customer-managed KMS key for the queues (and their consumers' key policy).
   * @default SQS-managed encryption (SSE-SQS)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Reserved concurrency of the receiver: a cap on what a flood can cost, taken from the account's pool.
   * @default no reservation
   */
  readonly reservedConcurrency?: number;
  /**
   * FIFO alert, route and dead-letter queues: order is kept per detection (MessageGroupId = the
   * detection id) and MessageDeduplicationId = the dedupKey attribute. SQS drops a repeat only within
   * its 5-minute de-duplication window: that covers the receiver's own retries within one request, not
   * Panther's retries, which come 15 minutes or more apart (each retry of an attempt that failed but
   * was stored adds a copy). Consumers de-duplicate with the dedupKey attribute in FIFO mode too.
   * @default false (standard queues; consumers de-duplicate with the dedupKey attribute)
   */
  readonly fifo?: boolean;
  /**
   * Fan-out routes: each gets its own queue and dead-letter queue, and receives, besides the alert
   * queue, every alert matching its severities and/or types.
   * @default no routes
   */
  readonly routes?: AlertRouteProps[];
  /**
   * AWS account ids (12 digits) allowed to consume the alert and route queues (queue policy, and key
   * policy with a customer-managed key created in this stack, for use through SQS only).
   * @default none
   */
  readonly consumerAccountIds?: string[];
  /**
   * IAM role ARNs (any account) allowed to consume the alert and route queues.
   * @default none
   */
  readonly consumerRoleArns?: string[];
  /**
   * How long past its five-minute refresh the receiver keeps trusting a cached webhook secret while
   * Secrets Manager fails; after that it answers 503 (Panther retries) until a read succeeds. Bounds
   * how long a revoked secret can stay valid during an outage. At most 7 days.
   * @default Duration.hours(24)
   */
  readonly maxSecretStaleness?: Duration;
  /**
   * Create API Gateway's account-level CloudWatch role (`AWS::ApiGateway::Account`) and turn on
   * execution logging (ERROR) into a log group this stack owns. The role is a setting of the whole
   * account and region: it replaces whatever role other APIs there use. Access logs need that role
   * to exist already (most accounts have it); set this when the first deploy says it is missing.
   * @default false
   */
  readonly apiGatewayCloudWatchRole?: boolean;
  /**
   * Deploy the example consumer (functions/example-consumer.ts) on the alert queue. It competes
   * with other consumers of that queue: use it to try the flow.
   * @default false
   */
  readonly exampleConsumer?: boolean;
}

/** A named fan-out route. */
export interface AlertRouteProps {
  /** Letters, digits and -; names the queue and its outputs. */
  readonly name: string;
  /**
   * Only alerts of these severities.
   * @default every severity
   */
  readonly severities?: Array<PantherAlert['severity']>;
  /**
   * Only alerts of these types (e.g. RULE, POLICY).
   * @default every type
   */
  readonly types?: string[];
}

/**
 * Panther's Custom Webhook destination → API Gateway (`POST /alerts`) → a Lambda that authenticates
 * Panther's secret header and validates the alert → encrypted SQS queues, each with a dead-letter
 * queue (plus fan-out routes, a quarantine queue for what is not an alert). The Lambda answers 2xx
 * only once SQS has the alert. Composed of AlertQueues, WebhookReceiver and ExampleConsumer; every
 * prop is checked here, at synth, so that nothing deploys that would fail at a cold start.
 */
export class PantherAlertForwarder extends Construct {
  /** The regional REST API Panther posts to. */
  public readonly api: apigateway.RestApi;
  /** The URL to paste into Panther's "Custom Webhook URL" field. */
  public readonly webhookUrl: string;
  /** The receiver Lambda function. */
  public readonly receiver: lambda.Function;
  /** Every queue, and the grants on them. */
  public readonly queues: AlertQueues;
  /** Where every accepted alert lands, body byte for byte, with routing attributes. */
  public readonly alertQueue: sqs.Queue;
  /** Where alerts go after `maxReceiveCount` failed consumer attempts. */
  public readonly deadLetterQueue: sqs.Queue;
  /** Authenticated bodies that were not Panther alerts, with the reason (quarantine mode). */
  public readonly quarantineQueue: sqs.Queue;
  /** The shared secret, as JSON {current, previous?}; generated at deploy time, retained. */
  public readonly webhookSecret: secretsmanager.Secret;
  /** The header Panther must send the secret in. */
  public readonly authHeaderName: string;
  /** Whether non-alerts are quarantined (202) or refused (400). */
  public readonly invalidPayloads: InvalidPayloadMode;
  /** API Gateway's access log (JSON, no bodies, no headers). */
  public readonly accessLogs: logs.LogGroup;
  /** The fan-out routes, with their queues. */
  public readonly routes: readonly AlertRoute[];
  /** Every queue and its dead-letter queue (alert queue first, then routes): what monitoring watches. */
  public readonly queuePairs: readonly QueuePair[];
  /** The value of the Forwarder dimension on this forwarder's metrics: its stack and path. */
  public readonly metricsScope: string;
  /** How long past its refresh the receiver trusts a cached secret while Secrets Manager fails. */
  public readonly maxSecretStaleness: Duration;
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
    });
    ({ queue: this.alertQueue, deadLetterQueue: this.deadLetterQueue } = this.queues.alerts);
    this.quarantineQueue = this.queues.quarantineQueue;
    this.routes = this.queues.routes;
    this.queuePairs = this.queues.pairs;

    const receiver = new WebhookReceiver(this, 'Webhook', { ...config, queues: this.queues, metricsScope: this.metricsScope });
    this.api = receiver.api;
    this.webhookUrl = receiver.webhookUrl;
    this.receiver = receiver.function;
    this.webhookSecret = receiver.secret;
    this.accessLogs = receiver.accessLogs;

    this.queues.grantConsumersElsewhere([
      ...config.consumerAccountIds.map((account) => new iam.AccountPrincipal(account)),
      ...config.consumerRoleArns.map((arn) => new iam.ArnPrincipal(arn)),
    ]);
    if (config.exampleConsumer) {
      this.exampleConsumer = new ExampleConsumer(this, 'Example', {
        queue: this.alertQueue,
        visibilityTimeout: config.visibilityTimeout,
        logRetention: config.logRetention,
      }).function;
    }
  }

  /** The queues a subscriber may read: the alert queue and every route's queue. */
  public get consumableQueues(): sqs.Queue[] {
    return this.queues.consumableQueues;
  }

  /** Lets a role or function in this account consume the alert and route queues (and decrypt them). */
  public grantConsumeMessages(grantee: iam.IGrantable): void {
    this.queues.grantConsumeMessages(grantee);
  }
}
