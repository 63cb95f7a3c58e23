import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PantherAlertForwarder } from '../../lib/panther-alert-forwarder';

/** One synth (it bundles the function with esbuild) shared by the assertions on defaults. */
function synth(configure: (stack: Stack) => void): Template {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  configure(stack);
  return Template.fromStack(stack);
}

let forwarder: PantherAlertForwarder;
const template = synth((stack) => {
  forwarder = new PantherAlertForwarder(stack, 'Forwarder');
});
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
/** The statements of the receiver's role (other functions, e.g. the inbox processor, have their own). */
const statementsOf = (tpl: Template): Statement[] =>
  Object.values(tpl.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes('WebhookReceiverRole'))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
const queueLogicalId = (id: string) => Object.keys(template.findResources('AWS::SQS::Queue')).find((k) => k.includes(id))!;

describe('PantherAlertForwarder defaults', () => {
  it('exposes what it creates', () => {
    expect(forwarder.api).toBeDefined();
    expect(forwarder.receiver).toBeDefined();
    expect(forwarder.alertQueue).toBeDefined();
    expect(forwarder.deadLetterQueue).toBeDefined();
    expect(forwarder.webhookUrl).toEqual(expect.any(String));
  });

  it('has a regional REST API that hands every body to the Lambda as bytes', () => {
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
      BinaryMediaTypes: ['*/*'],
    });
  });

  it('routes POST /alerts to the receiver through a Lambda proxy integration', () => {
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'alerts' });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
    });
    expect(Object.keys(template.findResources('AWS::ApiGateway::Method'))).toHaveLength(1);
  });

  it('throttles the stage', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      MethodSettings: Match.arrayWith([
        Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 }),
      ]),
    });
  });

  it('runs the receiver on Node.js 24, arm64, with a timeout well under API Gateway’s 29 s', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 10,
      MemorySize: 512,
      Environment: { Variables: { QUEUE_URL: { Ref: queueLogicalId('AlertQueue') } } },
    });
  });

  it('keeps the receiver’s logs for a year', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  it('creates an encrypted 1 MiB alert queue with 14-day retention and a redrive policy to the DLQ', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MaximumMessageSize: 1_048_576,
      MessageRetentionPeriod: 1_209_600,
      VisibilityTimeout: 30,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [queueLogicalId('DeadLetterQueue'), 'Arn'] }, maxReceiveCount: 5 },
    });
  });

  it('creates an encrypted dead-letter queue of the same size and retention', () => {
    const dlq = template.findResources('AWS::SQS::Queue')[queueLogicalId('DeadLetterQueue')];
    expect(dlq?.Properties).toEqual(
      expect.objectContaining({ SqsManagedSseEnabled: true, MaximumMessageSize: 1_048_576, MessageRetentionPeriod: 1_209_600 }),
    );
    expect(dlq?.Properties).not.toHaveProperty('RedrivePolicy');
  });

  it('keeps the queues (and their messages) when they leave the stack', () => {
    for (const queue of Object.values(template.findResources('AWS::SQS::Queue'))) {
      expect(queue.DeletionPolicy).toBe('Retain');
      expect(queue.UpdateReplacePolicy).toBe('Retain');
    }
  });

  it.each(['AlertQueue', 'DeadLetterQueue'])('denies non-TLS access to the %s', (id) => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueLogicalId(id) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sqs:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('lets the receiver call sqs:SendMessage on the alert and quarantine queues and nothing else on SQS', () => {
    const sqsStatements = statementsOf(template).filter((s) => [s.Action].flat().some((a) => a.startsWith('sqs:')));
    expect(sqsStatements).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: [{ 'Fn::GetAtt': [queueLogicalId('AlertQueue'), 'Arn'] }, { 'Fn::GetAtt': [queueLogicalId('QuarantineQueue'), 'Arn'] }],
      }),
    ]);
  });

  it('gives the receiver its own role: its log group, its secret, its queues; no managed policy', () => {
    const roles = Object.entries(template.findResources('AWS::IAM::Role'))
      .filter(([id]) => id.includes('WebhookReceiverRole'))
      .map(([, r]) => r);
    expect(roles).toHaveLength(1);
    expect(roles[0]!.Properties.ManagedPolicyArns).toBeUndefined();
    const actions = statementsOf(template).flatMap((s) => [s.Action].flat());
    expect(actions.sort()).toEqual(
      ['logs:CreateLogStream', 'logs:PutLogEvents', 's3:PutObject', 'secretsmanager:GetSecretValue', 'sqs:SendMessage'].sort(),
    );
  });

  it('generates the webhook secret at deploy time, never in the template', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { SecretStringTemplate: '{}', GenerateStringKey: 'current', ExcludePunctuation: true, PasswordLength: 48 },
    });
    expect(JSON.stringify(template.toJSON())).not.toMatch(/"SecretString"/);
  });

  it('keeps the secret on replacement and deletion, and no prop change regenerates it (Panther would be locked out)', () => {
    template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    const generated = (props: ConstructorParameters<typeof PantherAlertForwarder>[2]) => {
      const other = new Stack(new App(), 'Other');
      new PantherAlertForwarder(other, 'Forwarder', props);
      return Object.values(Template.fromStack(other).findResources('AWS::SecretsManager::Secret')).map((r) => r.Properties);
    };
    expect(generated({ authHeaderName: 'X-Other-Header', invalidPayloads: 'reject', fifo: true })).toEqual(generated({}));
  });

  it('configures the receiver: queues, quarantine mode, header name and secret', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          QUEUE_URL: { Ref: queueLogicalId('AlertQueue') },
          QUARANTINE_QUEUE_URL: { Ref: queueLogicalId('QuarantineQueue') },
          INVALID_PAYLOADS: 'quarantine',
          AUTH_HEADER_NAME: 'X-Panther-Webhook-Secret',
          SECRET_ID: { Ref: Match.stringLikeRegexp('WebhookSecret') },
        },
      },
    });
  });

  it('creates an encrypted, TLS-only quarantine queue', () => {
    const quarantine = template.findResources('AWS::SQS::Queue')[queueLogicalId('QuarantineQueue')];
    expect(quarantine?.Properties).toEqual(expect.objectContaining({ SqsManagedSseEnabled: true, MaximumMessageSize: 1_048_576 }));
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueLogicalId('QuarantineQueue') }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('logs API access as JSON with no body and no header, and sets a retention on every log group', () => {
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]!;
    const format = stage.Properties.AccessLogSetting.Format as string;
    expect(Object.keys(JSON.parse(format))).toEqual(expect.arrayContaining(['requestId', 'sourceIp', 'status', 'latencyMs']));
    expect(format).not.toMatch(/input\.body|requestOverride|\.header|Authorization/i);
    expect(stage.Properties.MethodSettings).toEqual([expect.objectContaining({ DataTraceEnabled: false })]);
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(logGroups.length).toBe(2); // the receiver's, the access log
    for (const group of logGroups) expect(group.Properties.RetentionInDays).toBe(365);
  });

  it("changes no account-wide setting: no API Gateway account role, so no execution logging into a group it can't own", () => {
    expect(template.findResources('AWS::ApiGateway::Account')).toEqual({});
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]!;
    expect(stage.Properties.MethodSettings[0].LoggingLevel).toBeUndefined();
  });

  it('with apiGatewayCloudWatchRole: sets the account role, and logs execution errors into a group it owns, with retention, made before the stage', () => {
    const logged = synth((stack) => new PantherAlertForwarder(stack, 'Forwarder', { apiGatewayCloudWatchRole: true }));
    expect(Object.keys(logged.findResources('AWS::ApiGateway::Account'))).toHaveLength(1);
    logged.hasResourceProperties('AWS::ApiGateway::Stage', { MethodSettings: [Match.objectLike({ LoggingLevel: 'ERROR' })] });
    const named = Object.entries(logged.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: Match.anyValue() } }));
    expect(named).toHaveLength(1);
    const [groupId, group] = named[0]!;
    expect(group.Properties.RetentionInDays).toBe(365);
    expect(JSON.stringify(group.Properties.LogGroupName)).toMatch(/API-Gateway-Execution-Logs_.*\/v1/);
    const [stage] = Object.values(logged.findResources('AWS::ApiGateway::Stage'));
    expect(stage!.DependsOn).toContain(groupId);
  });

  it('has no resource policy when no source IP allowlist is given', () => {
    expect(Object.values(template.findResources('AWS::ApiGateway::RestApi'))[0]!.Properties.Policy).toBeUndefined();
  });
});

describe('PantherAlertForwarder props', () => {
  const custom = synth((stack) => {
    new PantherAlertForwarder(stack, 'Forwarder', {
      throttlingRateLimit: 5,
      throttlingBurstLimit: 7,
      stageName: 'prod',
      retentionPeriod: Duration.days(4),
      maxReceiveCount: 3,
      visibilityTimeout: Duration.minutes(2),
      memorySize: 1024,
      queueRemovalPolicy: RemovalPolicy.DESTROY,
      authHeaderName: 'X-Custom-Auth',
      invalidPayloads: 'reject',
      allowedSourceIps: ['203.0.113.7', '198.51.100.0/24'],
      encryptionKey: new kms.Key(stack, 'Key'),
      reservedConcurrency: 7,
    });
  });

  it('applies each one', () => {
    custom.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 7 })]),
    });
    custom.hasResourceProperties('AWS::SQS::Queue', {
      MessageRetentionPeriod: 345_600,
      VisibilityTimeout: 120,
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }),
    });
    custom.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 1024,
      ReservedConcurrentExecutions: 7,
      Environment: { Variables: Match.objectLike({ INVALID_PAYLOADS: 'reject', AUTH_HEADER_NAME: 'X-Custom-Auth' }) },
    });
    for (const queue of Object.values(custom.findResources('AWS::SQS::Queue'))) {
      expect(queue.DeletionPolicy).toBe('Delete');
      expect(queue.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] });
    }
    const kmsActions = statementsOf(custom).filter((s) => [s.Action].flat().some((a) => a.startsWith('kms:')));
    // The queues' key, to send to the alert and quarantine queues; a data key through S3 for the archive; nothing else.
    expect(kmsActions).toEqual([
      expect.objectContaining({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'] }),
      expect.objectContaining({ Action: 'kms:GenerateDataKey', Condition: { StringEquals: { 'kms:ViaService': expect.anything() } } }),
    ]);
  });

  it('lets only the allowlisted source IPs invoke the API', () => {
    custom.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Policy: {
        Statement: [
          Match.objectLike({ Effect: 'Allow', Action: 'execute-api:Invoke' }),
          Match.objectLike({
            Effect: 'Deny',
            Action: 'execute-api:Invoke',
            Condition: { NotIpAddress: { 'aws:SourceIp': ['203.0.113.7', '198.51.100.0/24'] } },
          }),
        ],
      },
    });
  });
});
