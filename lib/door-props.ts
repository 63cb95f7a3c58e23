/**
 * The props of the forwarder's two doors: the webhook (API Gateway, secret, receiver) and the inbox
 * (Panther's own Amazon SQS destination). Checked at synth by lib/forwarder-checks.ts.
 */
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { InvalidPayloadMode } from '../functions/core/settings';

/** The webhook's props: none of them applies with `webhook: false`. */
export interface ForwarderWebhookProps {
  /**
   * Deploy the webhook (API Gateway, the secret, the receiver). `false` leaves no public endpoint at
   * all: alerts then come only through the inbox (`pantherAccountIds`).
   * @default true
   */
  readonly webhook?: boolean;
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
   * Memory of the receiver function (CPU scales with it).
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Reserved concurrency of the receiver: a cap on what a flood can cost, taken from the account's pool.
   * @default no reservation
   */
  readonly reservedConcurrency?: number;
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
   * Settings merged over ours for the receiver function: e.g. `tracing`, `vpc`, `vpcSubnets`,
   * `securityGroups`, `codeSigningConfig`, `description`, extra `environment` variables, `timeout`
   * (6–28 s: the receiver's own deadline is a second before it, and API Gateway gives up at 29 s).
   * Code, runtime, handler, role and log group are ours, and so are the variables it reads
   * (RECEIVER_ENV) and AWS_ENDPOINT_URL*; memory and reserved concurrency have props.
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

/** The inbox's props: they apply only with `pantherAccountIds`. */
export interface ForwarderInboxProps {
  /**
   * Panther's AWS account id(s) (Panther: Settings > General; for a self-hosted Panther, the account
   * it runs in). Given, the forwarder also has an inbox queue only they may `sqs:SendMessage` to, for
   * Panther's own Amazon SQS destination, checked and routed exactly like the webhook's alerts.
   * @default none (no inbox)
   */
  readonly pantherAccountIds?: string[];
  /**
   * Settings merged over ours for the inbox processor: e.g. `tracing`, `vpc`, `memorySize`,
   * `reservedConcurrentExecutions`, `description`, extra `environment` variables, `timeout` (1-900 s;
   * the inbox hides a received batch six times as long). Code, runtime, handler, role and log group
   * are ours, and so are the variables it reads (INBOX_ENV) and AWS_ENDPOINT_URL*.
   * @default none
   */
  readonly inboxFunctionProps?: Partial<lambda.FunctionProps>;
  /**
   * How many processor instances the inbox's event source may run at once (SQS's `maxConcurrency`,
   * 2-1000): a burst on the inbox cannot take the whole account's concurrency, and with it the
   * webhook's receiver.
   * @default 5
   */
  readonly inboxMaxConcurrency?: number;
}

/** The webhook's props besides `webhook` itself: what `webhook: false` leaves without a meaning. */
export const WEBHOOK_ONLY_PROPS = [
  'throttlingRateLimit',
  'throttlingBurstLimit',
  'stageName',
  'memorySize',
  'reservedConcurrency',
  'authHeaderName',
  'invalidPayloads',
  'allowedSourceIps',
  'maxSecretStaleness',
  'apiGatewayCloudWatchRole',
  'functionProps',
  'restApiProps',
  'domainName',
  'certificateArn',
  'webAclArn',
] as const satisfies readonly (keyof ForwarderWebhookProps)[];

/** What only the inbox reads: given without `pantherAccountIds`, it would mean nothing. */
export const INBOX_ONLY_PROPS = ['inboxFunctionProps', 'inboxMaxConcurrency'] as const satisfies readonly (keyof ForwarderInboxProps)[];
