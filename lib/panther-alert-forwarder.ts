import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ROUTE_NAME } from '../functions/core/routes';
import type { InvalidPayloadMode, PantherAlert } from '../functions/core/webhook-core';
import { FORWARDER_SETTINGS as SETTINGS } from '../functions/core/settings';

const PROJECT_ROOT = join(__dirname, '..');

export interface PantherAlertForwarderProps {
  /**
   * Steady-state requests per second the API stage accepts before answering 429 (Panther retries).
   * @default 50
   */
  readonly throttlingRateLimit?: number;
  /**
   * Burst of requests the API stage accepts at once.
   * @default 100
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
   * @default 256
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

/** A route as created: its filter and its queues. */
export interface AlertRoute extends AlertRouteProps {
  /** `Route` + the name in PascalCase: the prefix of its construct ids and stack outputs. */
  readonly id: string;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
}

/** Exactly what consuming needs: receive, delete, extend visibility, read attributes, find the URL. */
const CONSUME_ACTIONS = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'];

/** Every default in one place, so the secure choices are visible together. */
const DEFAULTS = {
  throttlingRateLimit: 50,
  throttlingBurstLimit: 100,
  stageName: 'v1',
  retentionPeriod: Duration.days(SETTINGS.retentionDays),
  maxReceiveCount: SETTINGS.maxReceiveCount,
  visibilityTimeout: Duration.seconds(SETTINGS.visibilityTimeoutSeconds),
  memorySize: 256,
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
 * Panther's secret header and validates the alert → an encrypted SQS queue with a dead-letter queue
 * (plus fan-out routes, a quarantine queue for what is not an alert). The Lambda answers 2xx only
 * once SQS has the alert.
 */
export class PantherAlertForwarder extends Construct {
  /** The regional REST API Panther posts to. */
  public readonly api: apigateway.RestApi;
  /** The URL to paste into Panther's "Custom Webhook URL" field. */
  public readonly webhookUrl: string;
  /** The receiver Lambda function. */
  public readonly receiver: NodejsFunction;
  /** Where every accepted alert lands, body byte for byte, with routing attributes. */
  public readonly alertQueue: sqs.Queue;
  /** Where alerts go after `maxReceiveCount` failed consumer attempts. */
  public readonly deadLetterQueue: sqs.Queue;
  /** Authenticated bodies that were not Panther alerts, with the reason (quarantine mode). */
  public readonly quarantineQueue: sqs.Queue;
  /** The shared secret, as JSON {headerName, current, previous?}; generated at deploy time. */
  public readonly webhookSecret: secretsmanager.Secret;
  /** The header Panther must send the secret in. */
  public readonly authHeaderName: string;
  /** API Gateway's access log (JSON, no bodies, no headers). */
  public readonly accessLogs: logs.LogGroup;
  /** The fan-out routes, with their queues. */
  public readonly routes: readonly AlertRoute[];
  /** The example consumer, when `exampleConsumer` is set. */
  public readonly exampleConsumer?: NodejsFunction;
  private readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: PantherAlertForwarderProps = {}) {
    super(scope, id);
    // An explicit `undefined` (e.g. an unset context value) means "the default", not "nothing".
    const given = Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined));
    const config = { ...DEFAULTS, ...given } as typeof DEFAULTS & PantherAlertForwarderProps;

    const queueDefaults: sqs.QueueProps = {
      ...(config.encryptionKey
        ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: config.encryptionKey }
        : { encryption: sqs.QueueEncryption.SQS_MANAGED }),
      enforceSSL: true,
      maxMessageSizeBytes: SETTINGS.maxMessageBytes,
      retentionPeriod: config.retentionPeriod,
      removalPolicy: config.queueRemovalPolicy,
    };
    this.encryptionKey = config.encryptionKey;
    // The alert queue and each route's queue: FIFO or not, each with its own dead-letter queue.
    const queueWithDeadLetters = (id: string) => {
      const fifo = config.fifo ? { fifo: true, contentBasedDeduplication: false } : {};
      const deadLetterQueue = new sqs.Queue(this, `${id === 'Alert' ? '' : id}DeadLetterQueue`, { ...queueDefaults, ...fifo });
      Validations.of(deadLetterQueue).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'This queue is a dead-letter queue; it needs none of its own.' });
      const queue = new sqs.Queue(this, `${id}Queue`, {
        ...queueDefaults,
        ...fifo,
        visibilityTimeout: config.visibilityTimeout,
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: config.maxReceiveCount },
      });
      return { queue, deadLetterQueue };
    };
    ({ queue: this.alertQueue, deadLetterQueue: this.deadLetterQueue } = queueWithDeadLetters('Alert'));
    this.routes = config.routes.map((route) => {
      if (!ROUTE_NAME.test(route.name)) throw new Error(`route name ${JSON.stringify(route.name)}: use 1-40 letters, digits and -`);
      const id = `Route${route.name.replace(/(^|-)(.)/g, (_all: string, _dash: string, c: string) => c.toUpperCase())}`;
      return { ...route, id, ...queueWithDeadLetters(id) };
    });
    this.quarantineQueue = new sqs.Queue(this, 'QuarantineQueue', queueDefaults);
    Validations.of(this.quarantineQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue holds payloads to inspect and redrive; it needs no dead-letter queue of its own.',
    });

    this.authHeaderName = config.authHeaderName;
    this.webhookSecret = new secretsmanager.Secret(this, 'WebhookSecret', {
      description: `Shared secret Panther sends in the ${config.authHeaderName} header`,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ headerName: config.authHeaderName }),
        generateStringKey: 'current',
        excludePunctuation: true,
        passwordLength: 48,
      },
    });
    Validations.of(this.webhookSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Panther cannot fetch a rotated value: rotation is a documented manual procedure with an overlap window (current + previous).',
    });

    const { role, logGroup } = functionRole(this, 'Receiver', config.logRetention);
    this.receiver = new NodejsFunction(this, 'Receiver', {
      ...functionDefaults('receiver.ts', role, logGroup),
      description: 'Validates Panther alerts and puts them on the alert queue',
      memorySize: config.memorySize,
      timeout: Duration.seconds(SETTINGS.receiverTimeoutSeconds),
      reservedConcurrentExecutions: config.reservedConcurrency,
      environment: {
        QUEUE_URL: this.alertQueue.queueUrl,
        QUARANTINE_QUEUE_URL: this.quarantineQueue.queueUrl,
        INVALID_PAYLOADS: config.invalidPayloads,
        AUTH_HEADER_NAME: config.authHeaderName,
        SECRET_ID: this.webhookSecret.secretArn,
        ...(this.routes.length
          ? {
              ROUTES: Stack.of(this).toJsonString(
                this.routes.map(({ name, severities, types, queue }) => ({ name, queueUrl: queue.queueUrl, severities, types })),
              ),
            }
          : {}),
      },
    });
    // Exactly SendMessage on these queues: not the GetQueueUrl/GetQueueAttributes grantSendMessages adds.
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [this.alertQueue.queueArn, ...this.routes.map((route) => route.queue.queueArn), this.quarantineQueue.queueArn],
      }),
    );
    config.encryptionKey?.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
    this.webhookSecret.grantRead(role);

    this.accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: config.logRetention });
    this.api = new apigateway.RestApi(this, 'Api', {
      description: 'Receives alerts from Panther',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      // Every body reaches the Lambda base64-encoded, so it sees (and forwards) the exact bytes sent.
      binaryMediaTypes: ['*/*'],
      // Access logging needs API Gateway's account-level CloudWatch role; the role is kept on delete.
      cloudWatchRole: true,
      policy: sourceIpPolicy(config.allowedSourceIps),
      deployOptions: {
        stageName: config.stageName,
        throttlingRateLimit: config.throttlingRateLimit,
        throttlingBurstLimit: config.throttlingBurstLimit,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogs),
        // Who, what, outcome and timing; never the body or a header (the secret travels in one).
        accessLogFormat: apigateway.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTimeEpoch',
            sourceIp: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            method: '$context.httpMethod',
            path: '$context.resourcePath',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            error: '$context.error.message',
          }),
        ),
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
      },
    });
    this.api.root
      .addResource(SETTINGS.route.slice(1))
      .addMethod('POST', new apigateway.LambdaIntegration(this.receiver, { proxy: true }));
    this.webhookUrl = this.api.urlForPath(SETTINGS.route);
    acknowledgeApiFindings(this.api);

    this.grantConsumersInOtherAccounts([
      ...config.consumerAccountIds.map((id) => new iam.AccountPrincipal(id)),
      ...config.consumerRoleArns.map((arn) => new iam.ArnPrincipal(arn)),
    ]);
    if (config.exampleConsumer) {
      const consumer = functionRole(this, 'ExampleConsumer', config.logRetention);
      this.exampleConsumer = new NodejsFunction(this, 'ExampleConsumer', {
        ...functionDefaults('example-consumer.ts', consumer.role, consumer.logGroup),
        description: 'Example subscriber: logs each Panther alert from the alert queue',
        timeout: Duration.seconds(SETTINGS.visibilityTimeoutSeconds / 2),
      });
      this.exampleConsumer.addEventSource(new SqsEventSource(this.alertQueue, { batchSize: 10, reportBatchItemFailures: true }));
    }
  }

  /** The queues a subscriber may read: the alert queue and every route's queue. */
  public get consumableQueues(): sqs.Queue[] {
    return [this.alertQueue, ...this.routes.map((route) => route.queue)];
  }

  /** Lets a role or function in this account consume the alert and route queues (and decrypt them). */
  public grantConsumeMessages(grantee: iam.IGrantable): void {
    for (const queue of this.consumableQueues) {
      iam.Grant.addToPrincipal({ grantee, actions: CONSUME_ACTIONS, resourceArns: [queue.queueArn] });
    }
    this.encryptionKey?.grant(grantee, 'kms:Decrypt');
  }

  /** Queue policy statements (and key policy, for a key of this stack) for principals elsewhere. */
  private grantConsumersInOtherAccounts(principals: iam.IPrincipal[]): void {
    if (principals.length === 0) return;
    for (const queue of this.consumableQueues) {
      queue.addToResourcePolicy(new iam.PolicyStatement({ principals, actions: CONSUME_ACTIONS, resources: [queue.queueArn] }));
    }
    this.encryptionKey?.addToResourcePolicy(new iam.PolicyStatement({ principals, actions: ['kms:Decrypt'], resources: ['*'] }));
  }
}

/**
 * A function's own role: its logs go to its own log group only, instead of the managed
 * AWSLambdaBasicExecutionRole (cdk-nag IAM4).
 */
function functionRole(scope: Construct, id: string, retention: logs.RetentionDays): { role: iam.Role; logGroup: logs.LogGroup } {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention });
  const role = new iam.Role(scope, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup.logGroupArn}:*`] }));
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${Stack.of(scope).getLogicalId(logGroup.node.defaultChild as logs.CfnLogGroup)}.Arn>:*]`,
    reason: 'Lambda names its log streams at run time; the grant is limited to the function’s own log group.',
  });
  return { role, logGroup };
}

/** What every function of the project shares: Node.js 24 on arm64, bundled locally by esbuild. */
function functionDefaults(entry: string, role: iam.IRole, logGroup: logs.ILogGroup): NodejsFunctionProps {
  return {
    entry: join(PROJECT_ROOT, 'functions', entry),
    handler: 'handler',
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    role,
    logGroup,
    bundling: {
      format: OutputFormat.CJS,
      minify: true,
      sourceMap: false,
      // Bundle the SDK too: a pinned, tree-shaken copy loads faster than the runtime's.
      externalModules: [],
      mainFields: ['module', 'main'],
      // The schema is compiled into a standalone validator here, never at cold start.
      commandHooks: {
        beforeBundling: () => ['npx tsx scripts/generate-alert-code.ts'],
        beforeInstall: () => [],
        afterBundling: () => [],
      },
    },
  };
}

/** A resource policy that lets only these addresses invoke the API, or none for no restriction. */
function sourceIpPolicy(allowed: readonly string[]): iam.PolicyDocument | undefined {
  if (allowed.length === 0) return undefined;
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        principals: [new iam.AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: ['execute-api:/*'],
      }),
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: ['execute-api:/*'],
        conditions: { NotIpAddress: { 'aws:SourceIp': [...allowed] } },
      }),
    ],
  });
}

/** cdk-nag findings on the API that are answered by design, each with its reason. */
function acknowledgeApiFindings(api: apigateway.RestApi): void {
  const method = api.methods[0]!;
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG2',
    reason:
      'The receiver validates every body against the Panther alert JSON Schema (API Gateway models cannot express its rules) and quarantines what fails instead of refusing it.',
  });
  const reasons: Record<string, string> = {
    'AwsSolutions-APIG4':
      'Panther can only send static custom headers: the receiver checks a shared secret from Secrets Manager in constant time on every request (401/403).',
    'AwsSolutions-COG4':
      'Panther cannot obtain Cognito tokens; requests are authenticated by the shared-secret header, optionally also by source IP.',
  };
  for (const [id, reason] of Object.entries(reasons)) Validations.of(method).acknowledge({ id, reason });
  Validations.of(api.deploymentStage).acknowledge({
    id: 'AwsSolutions-APIG3',
    reason: 'WAF is optional here: shared-secret authentication, stage throttling and an optional source-IP allowlist cover the only caller, Panther.',
  });
  const cloudWatchRole = api.node.tryFindChild('CloudWatchRole');
  if (cloudWatchRole) {
    Validations.of(cloudWatchRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason: 'API Gateway’s account-level logging role; AWS documents this managed policy for it.',
    });
  }
}
