import { Duration, Names, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ENV, type FunctionEnvironment } from '../functions/core/environment';
import { FORWARDER_SETTINGS as SETTINGS, type InvalidPayloadMode } from '../functions/core/settings';
import type { AlertQueues } from './alert-queues';
import type { AlertArchive } from './alert-archive';
import { archiveEnvironment } from './archive-props';
import { bundledFunction } from './bundled-function';

export interface WebhookReceiverProps {
  /** Where accepted alerts (and quarantined bodies) go. */
  readonly queues: AlertQueues;
  readonly authHeaderName: string;
  readonly invalidPayloads: InvalidPayloadMode;
  readonly memorySize: number;
  readonly logRetention: logs.RetentionDays;
  readonly reservedConcurrency?: number;
  readonly stageName: string;
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
  readonly allowedSourceIps: readonly string[];
  /** The value of the receiver's Forwarder metric dimension. */
  readonly metricsScope: string;
  /** How long past its refresh a cached secret is trusted while Secrets Manager fails. */
  readonly maxSecretStaleness: Duration;
  /** Create the account-wide API Gateway CloudWatch role and log execution errors (see the forwarder's prop). */
  readonly apiGatewayCloudWatchRole: boolean;
  /** Merged over the receiver's settings (checked by checkForwarderProps). */
  readonly functionProps?: Partial<lambda.FunctionProps>;
  /** Merged over the REST API's settings, `deployOptions` over the stage's (checked by checkForwarderProps). */
  readonly restApiProps?: Partial<apigateway.RestApiProps>;
  /** A custom domain (with its certificate) for the webhook URL. */
  readonly domainName?: string;
  readonly certificateArn?: string;
  /** A regional WAFv2 web ACL for the stage. */
  readonly webAclArn?: string;
  /** Where accepted alerts are also written, once each. */
  readonly archive?: AlertArchive;
}

/**
 * The way in: the shared secret, the receiver function and its least-privilege role, and the REST
 * API Panther posts to (access logs without bodies or headers, throttling, optional IP allowlist).
 */
export class WebhookReceiver extends Construct {
  public readonly api: apigateway.RestApi;
  public readonly webhookUrl: string;
  public readonly function: lambda.Function;
  /** JSON {current, previous?}; generated once, at creation, and kept on replacement and deletion. */
  public readonly secret: secretsmanager.Secret;
  public readonly accessLogs: logs.LogGroup;
  /** API Gateway's execution log (errors only), when `apiGatewayCloudWatchRole` is set. */
  public readonly executionLogs?: logs.LogGroup;
  /** The custom domain, when `domainName` is given: create a DNS record for its regional target. */
  public readonly domain?: apigateway.DomainName;

  constructor(scope: Construct, id: string, props: WebhookReceiverProps) {
    super(scope, id);
    // Nothing in the generation settings depends on a prop, so no update ever generates a new value;
    // and the secret is retained, so neither a replacement nor a deletion locks Panther out.
    this.secret = new secretsmanager.Secret(this, 'WebhookSecret', {
      description: 'Shared secret Panther sends in its Custom Webhook header ("current"; "previous" during a rotation)',
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'current', excludePunctuation: true, passwordLength: 48 },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Panther cannot fetch a rotated value: rotation is a documented manual procedure with an overlap window (current + previous).',
    });

    const { queues, functionProps = {}, restApiProps = {} } = props;
    this.function = bundledFunction(this, 'Receiver', 'receiver', props.logRetention, {
      description: 'Validates Panther alerts and puts them on the alert queue',
      memorySize: props.memorySize,
      timeout: Duration.seconds(SETTINGS.receiverTimeoutSeconds),
      reservedConcurrentExecutions: props.reservedConcurrency,
      ...functionProps,
      environment: {
        ...functionProps.environment,
        ...({
          [ENV.queueUrl]: queues.alerts.queue.queueUrl,
          [ENV.quarantineQueueUrl]: queues.quarantineQueue.queueUrl,
          [ENV.invalidPayloads]: props.invalidPayloads,
          [ENV.authHeaderName]: props.authHeaderName,
          [ENV.secretId]: this.secret.secretArn,
          [ENV.metricsScope]: props.metricsScope,
          [ENV.secretMaxStaleSeconds]: String(props.maxSecretStaleness.toSeconds()),
          ...(queues.routes.length ? { [ENV.routes]: queues.routesJson() } : {}),
          ...archiveEnvironment(props.archive),
        } satisfies FunctionEnvironment),
      },
    });
    queues.grantSend(this.function);
    props.archive?.grantWrite(this.function);
    // GetSecretValue only: grantRead would add DescribeSecret, which the receiver never calls.
    iam.Grant.addToPrincipal({ grantee: this.function, actions: ['secretsmanager:GetSecretValue'], resourceArns: [this.secret.secretArn] });

    this.accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: props.logRetention });
    this.api = new apigateway.RestApi(this, 'Api', {
      // Unique in the account and region: API Gateway's metrics (and so the alarms) are keyed by this name.
      restApiName: Names.uniqueResourceName(this, { maxLength: 128, separator: '-' }),
      description: 'Receives alerts from Panther',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      // Every body reaches the Lambda base64-encoded, so it sees (and forwards) the exact bytes sent.
      binaryMediaTypes: ['*/*'],
      // The account-level role is a setting of the whole account and region: only when asked for.
      cloudWatchRole: props.apiGatewayCloudWatchRole,
      policy: sourceIpPolicy(props.allowedSourceIps),
      ...restApiProps,
      ...(props.domainName && props.certificateArn ? { domainName: this.domainOptions(props.domainName, props.certificateArn) } : {}),
      deployOptions: {
        ...restApiProps.deployOptions,
        stageName: props.stageName,
        throttlingRateLimit: props.throttlingRateLimit,
        throttlingBurstLimit: props.throttlingBurstLimit,
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
        ...(props.apiGatewayCloudWatchRole ? { loggingLevel: apigateway.MethodLoggingLevel.ERROR } : {}),
        dataTraceEnabled: false,
        metricsEnabled: true,
      },
    });
    this.domain = this.api.domainName;
    this.api.root.addResource(SETTINGS.route.slice(1)).addMethod('POST', new apigateway.LambdaIntegration(this.function, { proxy: true }));
    // Through the custom domain, the base path mapping (root) leads to the stage: no stage in the path.
    this.webhookUrl = props.domainName ? `https://${props.domainName}${SETTINGS.route}` : this.api.urlForPath(SETTINGS.route);
    if (props.apiGatewayCloudWatchRole) this.executionLogs = ownExecutionLogs(this.api, props.stageName, props.logRetention);
    if (props.webAclArn) {
      checkSameRegion(this, 'webAclArn', props.webAclArn);
      new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
        resourceArn: this.api.deploymentStage.stageArn,
        webAclArn: props.webAclArn,
      });
    }
    acknowledgeApiFindings(this.api, props.webAclArn !== undefined);
  }

  /** A regional custom domain with TLS 1.2, its certificate in the stack's region (checked when both are known). */
  private domainOptions(domainName: string, certificateArn: string): apigateway.DomainNameOptions {
    checkSameRegion(this, 'certificateArn', certificateArn);
    return {
      domainName,
      certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', certificateArn),
      endpointType: apigateway.EndpointType.REGIONAL,
      securityPolicy: apigateway.SecurityPolicy.TLS_1_2,
    };
  }
}

/** A regional resource's ARN must name the stack's region (checked when both are known). */
function checkSameRegion(scope: Construct, prop: string, arn: string): void {
  const arnRegion = arn.split(':')[3];
  const { region } = Stack.of(scope);
  if (!Token.isUnresolved(region) && !Token.isUnresolved(arn) && arnRegion !== region) {
    throw new Error(`PantherAlertForwarder: ${prop} must be in the stack's region (${region}), got one in ${arnRegion}`);
  }
}

/**
 * API Gateway writes execution logs to a group it names and creates itself, which would never
 * expire and outlive the stack; created here first (before the stage), it is ours, with retention.
 */
function ownExecutionLogs(api: apigateway.RestApi, stageName: string, retention: logs.RetentionDays): logs.LogGroup {
  const group = new logs.LogGroup(api, 'ExecutionLogs', {
    logGroupName: `API-Gateway-Execution-Logs_${api.restApiId}/${stageName}`,
    retention,
  });
  api.deploymentStage.node.addDependency(group);
  return group;
}

/** A resource policy that lets only these addresses invoke the API, or none for no restriction. */
function sourceIpPolicy(allowed: readonly string[]): iam.PolicyDocument | undefined {
  if (allowed.length === 0) return undefined;
  const invoke = { principals: [new iam.AnyPrincipal()], actions: ['execute-api:Invoke'], resources: ['execute-api:/*'] };
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement(invoke),
      new iam.PolicyStatement({ ...invoke, effect: iam.Effect.DENY, conditions: { NotIpAddress: { 'aws:SourceIp': [...allowed] } } }),
    ],
  });
}

/** cdk-nag findings on the API that are answered by design, each with its reason. */
function acknowledgeApiFindings(api: apigateway.RestApi, hasWebAcl: boolean): void {
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
  if (!hasWebAcl) {
    Validations.of(api.deploymentStage).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'WAF is optional here (webAclArn): shared-secret authentication, stage throttling and an optional source-IP allowlist cover the only caller, Panther.',
    });
  }
  const cloudWatchRole = api.node.tryFindChild('CloudWatchRole');
  if (!cloudWatchRole) {
    Validations.of(api.deploymentStage).acknowledge({
      id: 'AwsSolutions-APIG6',
      reason:
        'Execution logging needs API Gateway’s account-wide CloudWatch role, which this stack sets only when asked (apiGatewayCloudWatchRole); access logs and the receiver’s own log cover every request.',
    });
  } else {
    Validations.of(cloudWatchRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason: 'API Gateway’s account-level logging role; AWS documents this managed policy for it.',
    });
  }
}
