import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PantherAlert } from '../functions/core/generated/panther-alert';
import { checkRoutes } from '../functions/core/routes';
import { HTTP_HEADER_NAME, invalidPayloadMode, type InvalidPayloadMode, FORWARDER_SETTINGS as SETTINGS } from '../functions/core/settings';
import { type AlertRoute, AlertQueues, type QueuePair } from './alert-queues';
import { ExampleConsumer } from './example-consumer';
import { WebhookReceiver } from './webhook-receiver';

export type { AlertRoute, QueuePair };

export interface PantherAlertForwarderProps {
  /**
   * Steady-state requests per second the API stage accepts before answering 429 (Panther retries).
   * With Panther's retries (10, 30–300 s apart) the default absorbs a storm of about 30,000 alerts
   * with nothing lost (README: Capacity).
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
   * FIFO alert and route queues: a Panther retry of the same delivery (identical body) is dropped
   * within SQS's 5-minute window; order is kept per detection.
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
   * AWS account ids allowed to consume the alert and route queues (queue policy, and key policy
   * with a customer-managed key created in this stack).
   * @default none
   */
  readonly consumerAccountIds?: string[];
  /**
   * IAM role ARNs (any account) allowed to consume the alert and route queues.
   * @default none
   */
  readonly consumerRoleArns?: string[];
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

/** Every default in one place, so the secure choices are visible together. */
const DEFAULTS = {
  throttlingRateLimit: 100,
  throttlingBurstLimit: 200,
  stageName: 'v1',
  retentionPeriod: Duration.days(SETTINGS.retentionDays),
  maxReceiveCount: SETTINGS.maxReceiveCount,
  visibilityTimeout: Duration.seconds(SETTINGS.visibilityTimeoutSeconds),
  memorySize: 512,
  logRetention: logs.RetentionDays.ONE_YEAR,
  queueRemovalPolicy: RemovalPolicy.RETAIN,
  authHeaderName: SETTINGS.authHeaderName,
  invalidPayloads: 'quarantine' as InvalidPayloadMode,
  allowedSourceIps: [] as string[],
  fifo: false,
  routes: [] as AlertRouteProps[],
  consumerAccountIds: [] as string[],
  consumerRoleArns: [] as string[],
  exampleConsumer: false,
} satisfies Omit<Required<PantherAlertForwarderProps>, 'encryptionKey' | 'reservedConcurrency'>;

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
  /** The example consumer, when `exampleConsumer` is set. */
  public readonly exampleConsumer?: lambda.Function;

  constructor(scope: Construct, id: string, props: PantherAlertForwarderProps = {}) {
    super(scope, id);
    const config = checkForwarderProps(props);
    this.authHeaderName = config.authHeaderName;
    this.invalidPayloads = config.invalidPayloads;
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

type CheckedProps = Omit<typeof DEFAULTS & PantherAlertForwarderProps, 'routes'> & { readonly routes: ReturnType<typeof checkRoutes> };

/**
 * The props with their defaults, checked: a value that could only fail at deploy time or at every
 * cold start fails the synth instead, with a message naming the prop.
 */
export function checkForwarderProps(props: PantherAlertForwarderProps): CheckedProps {
  // An explicit `undefined` (e.g. an unset context value) means "the default", not "nothing".
  const given = Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined));
  const config = { ...DEFAULTS, ...given } as typeof DEFAULTS & PantherAlertForwarderProps;
  const fail = (prop: string, why: string): never => {
    throw new Error(`PantherAlertForwarder: ${prop} ${why}`);
  };
  const wholeInRange = (prop: string, value: number | undefined, min: number, max: number) => {
    if (value !== undefined && !Token.isUnresolved(value) && (!Number.isInteger(value) || value < min || value > max)) {
      fail(prop, `must be a whole number from ${min} to ${max}, got ${value}`);
    }
  };
  wholeInRange('throttlingRateLimit', config.throttlingRateLimit, 1, 10_000);
  wholeInRange('throttlingBurstLimit', config.throttlingBurstLimit, 1, 5_000);
  wholeInRange('maxReceiveCount', config.maxReceiveCount, 1, 1_000);
  wholeInRange('memorySize', config.memorySize, 128, 10_240);
  wholeInRange('reservedConcurrency', config.reservedConcurrency, 1, 10_000);
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(config.stageName))
    fail('stageName', `must be 1-128 letters, digits, _ or -, got ${JSON.stringify(config.stageName)}`);
  if (!HTTP_HEADER_NAME.test(config.authHeaderName))
    fail('authHeaderName', `must be an HTTP header name, got ${JSON.stringify(config.authHeaderName)}`);
  invalidPayloadMode(config.invalidPayloads, 'PantherAlertForwarder: invalidPayloads');
  const routes = checkRoutes(config.routes, 'PantherAlertForwarder: routes');
  return { ...config, routes };
}
