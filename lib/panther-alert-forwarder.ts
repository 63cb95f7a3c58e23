import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FORWARDER_SETTINGS as SETTINGS } from './forwarder-settings';

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
}

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
} satisfies Required<PantherAlertForwarderProps>;

/**
 * Panther's Custom Webhook destination → API Gateway (`POST /alerts`) → a validating Lambda → an
 * encrypted SQS queue with a dead-letter queue. The Lambda answers 2xx only once SQS has the alert.
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

  constructor(scope: Construct, id: string, props: PantherAlertForwarderProps = {}) {
    super(scope, id);
    const config = { ...DEFAULTS, ...props };

    const queueDefaults: sqs.QueueProps = {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      maxMessageSizeBytes: SETTINGS.maxMessageBytes,
      retentionPeriod: config.retentionPeriod,
      removalPolicy: config.queueRemovalPolicy,
    };
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', queueDefaults);
    this.alertQueue = new sqs.Queue(this, 'AlertQueue', {
      ...queueDefaults,
      visibilityTimeout: config.visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: config.maxReceiveCount },
    });

    this.receiver = new NodejsFunction(this, 'Receiver', {
      description: 'Validates Panther alerts and puts them on the alert queue',
      entry: join(PROJECT_ROOT, 'functions', 'receiver.ts'),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: config.memorySize,
      timeout: Duration.seconds(SETTINGS.receiverTimeoutSeconds),
      environment: { QUEUE_URL: this.alertQueue.queueUrl },
      logGroup: new logs.LogGroup(this, 'ReceiverLogs', { retention: config.logRetention }),
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
    });
    // Exactly SendMessage on this queue: not the GetQueueUrl/GetQueueAttributes grantSendMessages adds.
    this.receiver.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.alertQueue.queueArn] }),
    );

    this.api = new apigateway.RestApi(this, 'Api', {
      description: 'Receives alerts from Panther',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      // Every body reaches the Lambda base64-encoded, so it sees (and forwards) the exact bytes sent.
      binaryMediaTypes: ['*/*'],
      cloudWatchRole: false,
      deployOptions: {
        stageName: config.stageName,
        throttlingRateLimit: config.throttlingRateLimit,
        throttlingBurstLimit: config.throttlingBurstLimit,
      },
    });
    this.api.root
      .addResource(SETTINGS.route.slice(1))
      .addMethod('POST', new apigateway.LambdaIntegration(this.receiver, { proxy: true }));
    this.webhookUrl = this.api.urlForPath(SETTINGS.route);
  }
}
