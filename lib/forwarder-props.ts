/**
 * The forwarder's props, their defaults, and their checks at synth: a value that could only fail at
 * deploy time (or at every cold start) fails `cdk synth` instead, with a message naming the prop and
 * the value. Context keys carry the props' names, so the same message names the `-c` key too.
 */
import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { isIP } from 'node:net';
import type { PantherAlert } from '../functions/core/generated/panther-alert';
import { checkRoutes } from '../functions/core/routes';
import { HTTP_HEADER_NAME, invalidPayloadMode, type InvalidPayloadMode, FORWARDER_SETTINGS as SETTINGS } from '../functions/core/settings';

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
} satisfies Omit<Required<PantherAlertForwarderProps>, 'encryptionKey' | 'reservedConcurrency'>;

export type ForwarderConfig = Omit<typeof FORWARDER_DEFAULTS & PantherAlertForwarderProps, 'routes'> & {
  readonly routes: ReturnType<typeof checkRoutes>;
};

const ACCOUNT_ID = /^\d{12}$/;
/** An IAM role ARN in any partition; a path is allowed, a wildcard is not (a queue policy would refuse it). */
const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** Roughly RFC 5321's mailbox: enough to catch a typo or a missing value before SNS refuses it. */
const EMAIL = /^[^\s@,;<>"]+@[^\s@,;<>".]+(\.[^\s@,;<>".]+)+$/;

/** An IPv4/IPv6 address, or a CIDR block with a prefix that fits its family. */
export function isIpOrCidr(value: string): boolean {
  const [address = '', prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** Email addresses alarms are sent to (`alarmEmail`), each checked. */
export function checkEmails(emails: readonly string[], source: string): readonly string[] {
  for (const email of emails) {
    if (!EMAIL.test(email)) throw new Error(`${source} must be email addresses, got ${JSON.stringify(email)}`);
  }
  return emails;
}

/** The props with their defaults, checked (see the module comment). */
export function checkForwarderProps(props: PantherAlertForwarderProps): ForwarderConfig {
  // An explicit `undefined` (e.g. an unset context value) means "the default", not "nothing".
  const given = Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined));
  const config = { ...FORWARDER_DEFAULTS, ...given } as typeof FORWARDER_DEFAULTS & PantherAlertForwarderProps;
  const fail = (prop: string, why: string): never => {
    throw new Error(`PantherAlertForwarder: ${prop} ${why}`);
  };
  const wholeInRange = (prop: string, value: number | undefined, min: number, max: number) => {
    if (value !== undefined && !Token.isUnresolved(value) && (!Number.isInteger(value) || value < min || value > max)) {
      fail(prop, `must be a whole number from ${min} to ${max}, got ${value}`);
    }
  };
  /** Every item of a list prop matches, or the synth fails naming the prop and the item. */
  const eachOf = (prop: string, values: readonly string[], ok: (value: string) => boolean, what: string) => {
    for (const value of values) if (!Token.isUnresolved(value) && !ok(value)) fail(prop, `must be ${what}, got ${JSON.stringify(value)}`);
  };
  wholeInRange('throttlingRateLimit', config.throttlingRateLimit, 1, 10_000);
  wholeInRange('throttlingBurstLimit', config.throttlingBurstLimit, 1, 5_000);
  wholeInRange('maxReceiveCount', config.maxReceiveCount, 1, 1_000);
  wholeInRange('memorySize', config.memorySize, 128, 10_240);
  wholeInRange('reservedConcurrency', config.reservedConcurrency, 1, 10_000);
  wholeInRange('maxSecretStaleness (seconds)', config.maxSecretStaleness.toSeconds(), 0, 7 * 24 * 60 * 60);
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(config.stageName))
    fail('stageName', `must be 1-128 letters, digits, _ or -, got ${JSON.stringify(config.stageName)}`);
  if (!HTTP_HEADER_NAME.test(config.authHeaderName))
    fail('authHeaderName', `must be an HTTP header name, got ${JSON.stringify(config.authHeaderName)}`);
  eachOf('consumerAccountIds', config.consumerAccountIds, (id) => ACCOUNT_ID.test(id), '12-digit AWS account ids');
  eachOf('consumerRoleArns', config.consumerRoleArns, (arn) => ROLE_ARN.test(arn), 'IAM role ARNs (arn:aws:iam::<account>:role/<name>)');
  eachOf('allowedSourceIps', config.allowedSourceIps, isIpOrCidr, 'IPv4/IPv6 addresses or CIDR blocks');
  invalidPayloadMode(config.invalidPayloads, 'PantherAlertForwarder: invalidPayloads');
  const routes = checkRoutes(config.routes, 'PantherAlertForwarder: routes');
  return { ...config, routes };
}
