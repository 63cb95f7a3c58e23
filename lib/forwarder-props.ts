/**
 * The forwarder's props and their defaults. Checked at synth (lib/forwarder-checks.ts): a value that
 * could only fail at deploy time (or at every cold start) fails `cdk synth` instead, every problem at
 * once, each naming the prop (or, from `cdk synth -c`, the context key) and the value.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { PantherAlert } from '../functions/core/generated/panther-alert';
import type { checkRoutes } from '../functions/core/routes';
import { type InvalidPayloadMode, FORWARDER_SETTINGS as SETTINGS } from '../functions/core/settings';
import { DEFAULT_SCAN_CUTOFF_BYTES, type ForwarderArchiveProps } from './archive-props';
import type { AlertBusForwarderProps } from './alert-bus-props';
import type { ForwarderInboxProps, ForwarderWebhookProps } from './door-props';

/** Everything the forwarder takes: the queues and consumers here, the doors' and the archive's props beside. */
export interface PantherAlertForwarderProps
  extends ForwarderWebhookProps,
    ForwarderInboxProps,
    ForwarderArchiveProps,
    AlertBusForwarderProps {
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
   * Retention of the functions' log groups (and the API's access log).
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
   * A customer-managed KMS key for the queues (and their consumers' key policy).
   * @default SQS-managed encryption (SSE-SQS)
   */
  readonly encryptionKey?: kms.IKey;
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
   * Deploy the example consumer (functions/example-consumer.ts) on the alert queue. It competes
   * with other consumers of that queue: use it to try the flow.
   * @default false
   */
  readonly exampleConsumer?: boolean;
  /**
   * Settings merged over ours for the example consumer (with `exampleConsumer`): e.g. `tracing`,
   * `memorySize`, `description`, extra `environment` variables. Code, runtime, handler, role and log
   * group are ours, AWS_ENDPOINT_URL* too, and its timeout follows `visibilityTimeout` (a sixth).
   * @default none
   */
  readonly consumerFunctionProps?: Partial<lambda.FunctionProps>;
  /**
   * An alert queue you already have (wired to your consumers) instead of a new one: the receiver
   * sends to it, monitoring watches it, routes and the quarantine are still created. It must take
   * 1 MiB messages; a FIFO queue needs `fifo: true`. With a customer-managed key on it, the receiver
   * is granted that key.
   * @default a new alert queue
   */
  readonly existingQueue?: sqs.IQueue;
  /**
   * The dead-letter queue of `existingQueue`, to be watched with it. Found by itself when
   * `existingQueue` is a Queue of this app with one.
   * @default the existing queue's own, else none (synth warns that nothing watches it)
   */
  readonly existingDeadLetterQueue?: sqs.IQueue;
  /**
   * Settings merged over ours for the alert, route, dead-letter and quarantine queues (e.g. `fifoThroughputLimit`,
   * `deduplicationScope`, `dataKeyReuse`). What carries a promise is refused at synth with the reason:
   * TLS-only, 1 MiB messages, encryption, the FIFO and dead-letter wiring, names; and what has a prop
   * of its own (retention, visibility, removal policy, key) is set through that prop.
   * @default none
   */
  readonly queueProps?: sqs.QueueProps;
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
export const FORWARDER_DEFAULTS = {
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
  maxSecretStaleness: Duration.seconds(SETTINGS.secretMaxStaleSeconds),
  apiGatewayCloudWatchRole: false,
  webhook: true,
  pantherAccountIds: [] as string[],
  inboxMaxConcurrency: 5,
  archive: true,
  archiveDays: 365,
  archiveLock: false,
  archiveScanCutoffBytes: DEFAULT_SCAN_CUTOFF_BYTES,
} satisfies Omit<Required<PantherAlertForwarderProps>, OptionalWithoutDefault>;

/** Props whose absence is itself the default (nothing of the kind, or the construct's own). */
type OptionalWithoutDefault =
  | 'encryptionKey'
  | 'reservedConcurrency'
  | 'existingQueue'
  | 'existingDeadLetterQueue'
  | 'queueProps'
  | 'functionProps'
  | 'inboxFunctionProps'
  | 'consumerFunctionProps'
  | 'restApiProps'
  | 'domainName'
  | 'certificateArn'
  | 'webAclArn'
  | keyof AlertBusForwarderProps; // checked by alert-bus-props.ts

export type ForwarderConfig = Omit<typeof FORWARDER_DEFAULTS & PantherAlertForwarderProps, 'routes'> & {
  readonly routes: ReturnType<typeof checkRoutes>;
};
