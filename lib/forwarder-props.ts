/**
 * The forwarder's props, their defaults, and their checks at synth: a value that could only fail at
 * deploy time (or at every cold start) fails `cdk synth` instead, with a message naming the prop and
 * the value. Context keys carry the props' names, so the same message names the `-c` key too.
 */
import type { AlertBusForwarderProps } from './alert-bus-props'; // event bus (alert-bus-props.ts)
import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { isIP } from 'node:net';
import type { PantherAlert } from '../functions/core/generated/panther-alert';
import { checkRoutes } from '../functions/core/routes';
import { HTTP_HEADER_NAME, invalidPayloadMode, type InvalidPayloadMode, FORWARDER_SETTINGS as SETTINGS } from '../functions/core/settings';

export interface PantherAlertForwarderProps extends AlertBusForwarderProps {
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
  /**
   * Deploy the webhook (API Gateway, the secret, the receiver). `false` leaves no public endpoint at
   * all: alerts then come only through the inbox (`pantherAccountIds`).
   * @default true
   */
  readonly webhook?: boolean;
  /**
   * Panther's AWS account id(s) (Panther: Settings > General; for a self-hosted Panther, the account
   * it runs in). Given, the forwarder also has an inbox queue only they may `sqs:SendMessage` to, for
   * Panther's own Amazon SQS destination, checked and routed exactly like the webhook's alerts.
   * @default none (no inbox)
   */
  readonly pantherAccountIds?: string[];
  /**
   * Keep every accepted alert in an S3 archive (encrypted, versioned, TLS-only, retained), queryable
   * with Athena, replayable by time range. Costs, per million ~3 KB alerts: ~$5 of S3 PUTs, an
   * archive queue's send, receive and delete (~$0.50) and the processor (~$0.10); storage ~$0.07 per
   * month (S3 Standard, $0.023 per GB-month); docs/archive.md has the rest.
   * @default true
   */
  readonly archive?: boolean;
  /**
   * How many days the archive keeps an alert (then S3 deletes it).
   * @default 365
   */
  readonly archiveDays?: number;
  /**
   * S3 Object Lock in compliance mode for `archiveDays`: nobody, root included, can delete or
   * overwrite an archived alert before then. Can never be turned off for that bucket.
   * @default false
   */
  readonly archiveLock?: boolean;
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
  /**
   * Settings merged over ours for the receiver function: e.g. `tracing`, `vpc`, `vpcSubnets`,
   * `securityGroups`, `codeSigningConfig`, `description`, extra `environment` variables, `timeout`
   * (6–28 s: the receiver's own deadline is a second before it, and API Gateway gives up at 29 s).
   * Code, runtime, handler, role and log group are ours; memory and reserved concurrency have props.
   * @default none
   */
  readonly functionProps?: Partial<lambda.FunctionProps>;
  /**
   * Settings merged over ours for the REST API (and `deployOptions` over our stage options): e.g.
   * `description`, `deployOptions.tracingEnabled`, `minCompressionSize`. Refused at synth: what breaks
   * the exact-bytes promise (`binaryMediaTypes` without `*\/*`), logs bodies or headers
   * (`dataTraceEnabled`, `accessLogFormat`), makes the API unreachable for Panther (PRIVATE
   * endpoints, no deployment, the execute-api endpoint disabled without `domainName`), or has a prop
   * of its own (`policy`: allowedSourceIps; `cloudWatchRole`; `domainName`; stage name and throttling).
   * @default none
   */
  readonly restApiProps?: Partial<apigateway.RestApiProps>;
  /**
   * A custom domain for the webhook (regional, TLS 1.2), e.g. alerts.example.com: Panther's
   * destination stays valid when the stack is replaced or moved. Needs `certificateArn`; create a
   * DNS record for the `DomainNameTarget` output.
   * @default the API's generated execute-api host
   */
  readonly domainName?: string;
  /**
   * An ACM certificate for `domainName`, in the stack's region.
   * @default none (required with domainName)
   */
  readonly certificateArn?: string;
  /**
   * A regional AWS WAFv2 web ACL to associate with the API stage (rate-based rules, IP sets).
   * @default no web ACL
   */
  readonly webAclArn?: string;
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
  archive: true,
  archiveDays: 365,
  archiveLock: false,
} satisfies Omit<Required<PantherAlertForwarderProps>, OptionalWithoutDefault>;

/** Props whose absence is itself the default (nothing of the kind, or the construct's own). */
type OptionalWithoutDefault =
  | 'encryptionKey'
  | 'reservedConcurrency'
  | 'existingQueue'
  | 'existingDeadLetterQueue'
  | 'queueProps'
  | 'functionProps'
  | 'restApiProps'
  | 'domainName'
  | 'certificateArn'
  | 'webAclArn'
  | keyof AlertBusForwarderProps; // event bus: checked by alert-bus-props.ts

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
  eachOf(
    'pantherAccountIds',
    config.pantherAccountIds,
    (id) => ACCOUNT_ID.test(id),
    "12-digit AWS account ids (Panther's; context pantherAccountId)",
  );
  if (!config.webhook) checkWithoutWebhook(given, fail);
  if (!config.archive) {
    for (const prop of ['archiveDays', 'archiveLock'] as const)
      if (given[prop] !== undefined) fail(prop, 'applies to the archive, which archive: false leaves out');
  }
  eachOf('consumerRoleArns', config.consumerRoleArns, (arn) => ROLE_ARN.test(arn), 'IAM role ARNs (arn:aws:iam::<account>:role/<name>)');
  eachOf('allowedSourceIps', config.allowedSourceIps, isIpOrCidr, 'IPv4/IPv6 addresses or CIDR blocks');
  invalidPayloadMode(config.invalidPayloads, 'PantherAlertForwarder: invalidPayloads');
  const routes = checkRoutes(config.routes, 'PantherAlertForwarder: routes');
  checkEscapeHatches(given, fail);
  checkEdge(config, fail);
  return { ...config, routes };
}

/** Without the webhook, the inbox is the only door, and the webhook's own props mean nothing. */
function checkWithoutWebhook(given: PantherAlertForwarderProps, fail: (prop: string, why: string) => never): void {
  if ((given.pantherAccountIds ?? []).length === 0) fail('webhook', 'false needs pantherAccountIds: otherwise no alert can come in');
  const webhookOnly = [
    'allowedSourceIps',
    'authHeaderName',
    'invalidPayloads',
    'throttlingRateLimit',
    'throttlingBurstLimit',
    'stageName',
    'memorySize',
    'reservedConcurrency',
    'maxSecretStaleness',
    'apiGatewayCloudWatchRole',
    'functionProps',
    'restApiProps',
    'domainName',
    'certificateArn',
    'webAclArn',
  ] as const;
  for (const prop of webhookOnly) if (given[prop] !== undefined) fail(prop, 'applies to the webhook, which webhook: false leaves out');
}

/** `queueProps`, `functionProps` and `restApiProps` may not break a promise, nor bypass a prop that has one. */
function checkEscapeHatches(given: PantherAlertForwarderProps, fail: (prop: string, why: string) => never): void {
  const refuse = (prop: string, settings: object | undefined, reasons: Record<string, string>) => {
    for (const [key, why] of Object.entries(reasons)) if (settings && key in settings) fail(`${prop}.${key}`, why);
  };
  const hasOwnProp = (prop: string) => `has a prop of its own: set ${prop}`;
  const queue = given.queueProps;
  refuse('queueProps', queue, {
    fifo: hasOwnProp('fifo'),
    contentBasedDeduplication: 'is ours: the de-duplication id is the dedupKey attribute, the same on every retry',
    deadLetterQueue: 'is ours: every queue is paired with its own dead-letter queue, watched by construction',
    queueName: 'is not allowed: one name cannot name every queue, and a renamed queue is a new, empty one',
    retentionPeriod: hasOwnProp('retentionPeriod'),
    visibilityTimeout: hasOwnProp('visibilityTimeout'),
    removalPolicy: hasOwnProp('queueRemovalPolicy'),
    encryptionMasterKey: hasOwnProp('encryptionKey'),
  });
  if (queue?.enforceSSL === false) fail('queueProps.enforceSSL', 'must stay true: the queues refuse anything but TLS');
  if (queue?.encryption === sqs.QueueEncryption.UNENCRYPTED)
    fail('queueProps.encryption', 'must not be UNENCRYPTED: the queues hold alerts');
  if (queue?.maxMessageSizeBytes !== undefined && queue.maxMessageSizeBytes < SETTINGS.maxMessageBytes)
    fail('queueProps.maxMessageSizeBytes', `must stay ${SETTINGS.maxMessageBytes}: the receiver accepts alerts up to 1 MiB`);

  const fn = given.functionProps;
  const ours = 'is the receiver’s own (its bundle, its least-privilege role and log group)';
  refuse('functionProps', fn, {
    code: ours,
    handler: ours,
    runtime: ours,
    architecture: ours,
    role: ours,
    logGroup: ours,
    memorySize: hasOwnProp('memorySize'),
    reservedConcurrentExecutions: hasOwnProp('reservedConcurrency'),
  });
  const timeout = fn?.timeout?.toSeconds();
  if (timeout !== undefined && !Token.isUnresolved(timeout) && (timeout < 6 || timeout > 28))
    fail(
      'functionProps.timeout',
      `must be 6-28 seconds (SQS attempts need ~5 s before the receiver's own deadline, API Gateway gives up at 29 s), got ${timeout}`,
    );
  for (const name of Object.keys(fn?.environment ?? {})) {
    if (RECEIVER_ENVIRONMENT.includes(name)) fail(`functionProps.environment.${name}`, 'is set by the construct from its props');
    if (name.startsWith('AWS_ENDPOINT_URL'))
      fail(`functionProps.environment.${name}`, 'would send the receiver’s SQS or Secrets Manager calls somewhere else');
  }

  const api = given.restApiProps;
  refuse('restApiProps', api, {
    policy: hasOwnProp('allowedSourceIps'),
    cloudWatchRole: hasOwnProp('apiGatewayCloudWatchRole'),
    domainName: hasOwnProp('domainName (with certificateArn)'),
  });
  if (api?.deploy === false) fail('restApiProps.deploy', 'must stay true: without a deployment there is no stage for Panther to post to');
  if (api?.binaryMediaTypes !== undefined && !api.binaryMediaTypes.includes('*/*'))
    fail('restApiProps.binaryMediaTypes', 'must include */*: the receiver forwards the exact bytes Panther sent');
  if (api?.endpointConfiguration?.types.includes(apigateway.EndpointType.PRIVATE))
    fail('restApiProps.endpointConfiguration', 'must not be PRIVATE: Panther reaches the webhook over the internet');
  if (api?.disableExecuteApiEndpoint === true && given.domainName === undefined)
    fail('restApiProps.disableExecuteApiEndpoint', 'needs domainName: otherwise the API has no URL at all');
  const stage = api?.deployOptions;
  refuse('restApiProps.deployOptions', stage, {
    stageName: hasOwnProp('stageName'),
    throttlingRateLimit: hasOwnProp('throttlingRateLimit'),
    throttlingBurstLimit: hasOwnProp('throttlingBurstLimit'),
    accessLogFormat: 'is ours: it logs who, what and when, never a header (the secret travels in one) or the body',
  });
  const dataTrace = 'must stay false: it would log every request body and header, the secret with it';
  if (stage?.dataTraceEnabled === true) fail('restApiProps.deployOptions.dataTraceEnabled', dataTrace);
  for (const [path, options] of Object.entries(stage?.methodOptions ?? {})) {
    if (options.dataTraceEnabled === true) fail(`restApiProps.deployOptions.methodOptions['${path}'].dataTraceEnabled`, dataTrace);
  }
}

/** The variables the construct sets on the receiver, from its props. */
const RECEIVER_ENVIRONMENT = [
  'QUEUE_URL',
  'QUARANTINE_QUEUE_URL',
  'INVALID_PAYLOADS',
  'AUTH_HEADER_NAME',
  'SECRET_ID',
  'METRICS_SCOPE',
  'SECRET_MAX_STALE_SECONDS',
  'ROUTES',
  'REQUEST_LOG',
  'ARCHIVE_QUEUE_URL',
];

const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const CERTIFICATE_ARN = /^arn:aws[\w-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[\w-]+$/;
const WEB_ACL_ARN = /^arn:aws[\w-]*:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\/[\w-]+\/[\w-]+$/;

/** The custom domain, its certificate and the web ACL: each well-formed, and the domain never without its certificate. */
function checkEdge(config: PantherAlertForwarderProps, fail: (prop: string, why: string) => never): void {
  const { domainName, certificateArn, webAclArn } = config;
  if (domainName !== undefined && certificateArn === undefined)
    fail('domainName', `needs certificateArn too (an ACM certificate for ${JSON.stringify(domainName)} in the stack's region)`);
  if (certificateArn !== undefined && domainName === undefined) fail('certificateArn', 'is used only with domainName');
  if (domainName !== undefined && !Token.isUnresolved(domainName) && !DOMAIN_NAME.test(domainName))
    fail('domainName', `must be a DNS name like alerts.example.com, got ${JSON.stringify(domainName)}`);
  if (certificateArn !== undefined && !Token.isUnresolved(certificateArn) && !CERTIFICATE_ARN.test(certificateArn))
    fail(
      'certificateArn',
      `must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>), got ${JSON.stringify(certificateArn)}`,
    );
  if (webAclArn !== undefined && !Token.isUnresolved(webAclArn) && !WEB_ACL_ARN.test(webAclArn))
    fail(
      'webAclArn',
      `must be a regional WAFv2 web ACL ARN (arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>), got ${JSON.stringify(webAclArn)}`,
    );
}
