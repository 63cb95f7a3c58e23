/**
 * What a platform team changes without forking: an existing alert queue, settings merged over ours
 * (with what carries a promise refused at synth), a custom domain and a WAF web ACL.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ForwarderMonitoring } from '../../lib/forwarder-monitoring';
import { PantherAlertForwarder, type PantherAlertForwarderProps } from '../../lib/panther-alert-forwarder';
import { PantherAlertForwarderStack } from '../../lib/panther-alert-forwarder-stack';

const ENV = { account: '111111111111', region: 'eu-west-1' };

function build(props: PantherAlertForwarderProps | ((stack: Stack) => PantherAlertForwarderProps)) {
  const stack = new Stack(new App(), 'Test', { env: ENV });
  const forwarder = new PantherAlertForwarder(stack, 'Forwarder', typeof props === 'function' ? props(stack) : props);
  new ForwarderMonitoring(stack, 'Monitoring', { forwarder, alarmEmails: ['ops@example.com'] });
  return { stack, forwarder, template: Template.fromStack(stack) };
}
const receiverOf = (template: Template) =>
  Object.values(template.findResources('AWS::Lambda::Function')).find((fn) =>
    JSON.stringify(fn.Properties.Environment ?? {}).includes('SECRET_ID'),
  )!;

describe('an existing alert queue', () => {
  const arn = 'arn:aws:sqs:eu-west-1:111111111111:team-alerts';
  const dlqArn = 'arn:aws:sqs:eu-west-1:111111111111:team-alerts-dlq';
  const { template } = build((stack) => ({
    existingQueue: sqs.Queue.fromQueueArn(stack, 'Existing', arn),
    existingDeadLetterQueue: sqs.Queue.fromQueueArn(stack, 'ExistingDlq', dlqArn),
  }));

  it('creates no alert queue or dead-letter queue of its own: only the quarantine', () => {
    const ids = Object.keys(template.findResources('AWS::SQS::Queue'));
    expect(ids).toEqual([expect.stringContaining('QuarantineQueue')]);
  });

  it('has the receiver send to it', () => {
    const receiver = receiverOf(template);
    expect(JSON.stringify(receiver.Properties.Environment.Variables.QUEUE_URL)).toContain('team-alerts');
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const send = statements.find((s) => s.Action === 'sqs:SendMessage')!;
    expect(send.Resource).toEqual(expect.arrayContaining([arn]));
  });

  it('watches it and its dead-letter queue like our own', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: 'team-alerts' }],
    });
    for (const metricName of ['ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metricName,
        Dimensions: [{ Name: 'QueueName', Value: 'team-alerts-dlq' }],
      });
    }
  });

  it("finds the dead-letter queue of a Queue of this app by itself, and warns when it can't know one", () => {
    const found = build((stack) => {
      const dlq = new sqs.Queue(stack, 'TeamDlq');
      return { existingQueue: new sqs.Queue(stack, 'Team', { deadLetterQueue: { queue: dlq, maxReceiveCount: 3 } }) };
    });
    const dlqName = {
      'Fn::GetAtt': [found.stack.getLogicalId(found.stack.node.findChild('TeamDlq').node.defaultChild as never), 'QueueName'],
    };
    found.template.hasResourceProperties('AWS::CloudWatch::Alarm', { Dimensions: [{ Name: 'QueueName', Value: dlqName }] });
    const lone = build((stack) => ({ existingQueue: sqs.Queue.fromQueueArn(stack, 'Lone', arn) }));
    const warnings = Annotations.fromStack(lone.stack).findWarning('*', Match.stringLikeRegexp('no known dead-letter queue'));
    expect(warnings).toHaveLength(1);
  });

  it.each<[string, (stack: Stack) => PantherAlertForwarderProps, RegExp]>([
    [
      'a FIFO queue without fifo',
      (s) => ({ existingQueue: sqs.Queue.fromQueueArn(s, 'Q', `${arn}.fifo`) }),
      /existingQueue is FIFO: set fifo: true/,
    ],
    [
      'a standard queue with fifo',
      (s) => ({ fifo: true, existingQueue: sqs.Queue.fromQueueArn(s, 'Q', arn) }),
      /existingQueue is not FIFO/,
    ],
    [
      'a queue that takes less than 1 MiB',
      (s) => ({ existingQueue: new sqs.Queue(s, 'Small', { maxMessageSizeBytes: 262_144 }) }),
      /existingQueue takes messages of at most 262144 bytes/,
    ],
  ])('refuses %s at synth', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});

describe('queueProps, functionProps and restApiProps', () => {
  const { template } = build({
    queueProps: { receiveMessageWaitTime: Duration.seconds(20) },
    functionProps: { tracing: lambda.Tracing.ACTIVE, timeout: Duration.seconds(20), environment: { TEAM: 'secops' } },
    restApiProps: { description: 'Team alerts', deployOptions: { tracingEnabled: true } },
  });

  it('merge over our settings', () => {
    const alertPath = Object.entries(template.findResources('AWS::SQS::Queue')).filter(([id]) => id.includes('ForwarderQueues'));
    expect(alertPath.length).toBe(3);
    for (const [, queue] of alertPath) {
      expect(queue.Properties.ReceiveMessageWaitTimeSeconds).toBe(20);
      expect(queue.Properties.MaximumMessageSize).toBe(1_048_576);
    }
    const receiver = receiverOf(template);
    expect(receiver.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    expect(receiver.Properties.Timeout).toBe(20);
    expect(receiver.Properties.Environment.Variables).toMatchObject({ TEAM: 'secops', AUTH_HEADER_NAME: 'X-Panther-Webhook-Secret' });
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { Description: 'Team alerts', BinaryMediaTypes: ['*/*'] });
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]!;
    expect(stage.Properties.TracingEnabled).toBe(true);
    expect(stage.Properties.AccessLogSetting.Format).toContain('$context.requestId');
  });

  it.each<[string, PantherAlertForwarderProps, RegExp]>([
    ['queueProps.enforceSSL false', { queueProps: { enforceSSL: false } }, /queueProps.enforceSSL must stay true/],
    [
      'queueProps.encryption UNENCRYPTED',
      { queueProps: { encryption: sqs.QueueEncryption.UNENCRYPTED } },
      /queueProps.encryption must not be UNENCRYPTED/,
    ],
    ['queueProps.maxMessageSizeBytes', { queueProps: { maxMessageSizeBytes: 1_000 } }, /queueProps.maxMessageSizeBytes must stay 1048576/],
    ['queueProps.queueName', { queueProps: { queueName: 'alerts' } }, /queueProps.queueName is not allowed/],
    [
      'queueProps.retentionPeriod',
      { queueProps: { retentionPeriod: Duration.days(1) } },
      /queueProps.retentionPeriod has a prop of its own: set retentionPeriod/,
    ],
    [
      'functionProps.timeout 40 s',
      { functionProps: { timeout: Duration.seconds(40) } },
      /functionProps.timeout must be 6-28 seconds.*got 40/,
    ],
    ['functionProps.memorySize', { functionProps: { memorySize: 2048 } }, /functionProps.memorySize has a prop of its own: set memorySize/],
    [
      'functionProps.environment.QUEUE_URL',
      { functionProps: { environment: { QUEUE_URL: 'x' } } },
      /functionProps.environment.QUEUE_URL is the receiver’s own setting: the construct sets it from its props/,
    ],
    [
      'functionProps.environment.REQUEST_LOG (read by the receiver, RECEIVER_ENV)',
      { functionProps: { environment: { REQUEST_LOG: 'off' } } },
      /functionProps.environment.REQUEST_LOG is the receiver’s own setting/,
    ],
    [
      'functionProps.environment.AWS_ENDPOINT_URL_SQS',
      { functionProps: { environment: { AWS_ENDPOINT_URL_SQS: 'http://evil' } } },
      /functionProps.environment.AWS_ENDPOINT_URL_SQS would send the receiver’s AWS calls somewhere else/,
    ],
    [
      'inboxFunctionProps.environment.ARCHIVE_BUCKET',
      { pantherAccountIds: ['123456789012'], inboxFunctionProps: { environment: { ARCHIVE_BUCKET: 'other' } } },
      /inboxFunctionProps.environment.ARCHIVE_BUCKET is the inbox processor’s own setting/,
    ],
    [
      'inboxFunctionProps.environment.AWS_ENDPOINT_URL',
      { pantherAccountIds: ['123456789012'], inboxFunctionProps: { environment: { AWS_ENDPOINT_URL: 'http://evil' } } },
      /inboxFunctionProps.environment.AWS_ENDPOINT_URL would send the inbox processor’s AWS calls somewhere else/,
    ],
    [
      'inboxFunctionProps.role',
      { pantherAccountIds: ['123456789012'], inboxFunctionProps: { role: undefined as never } },
      /inboxFunctionProps.role is the inbox processor’s own/,
    ],
    [
      'inboxFunctionProps.timeout 1000 s',
      { pantherAccountIds: ['123456789012'], inboxFunctionProps: { timeout: Duration.seconds(1000) } },
      /inboxFunctionProps.timeout must be 1-900 seconds .*got 1000/,
    ],
    [
      'inboxFunctionProps without the inbox',
      { inboxFunctionProps: { memorySize: 1024 } },
      /inboxFunctionProps applies to the inbox, which only pantherAccountIds creates/,
    ],
    [
      'consumerFunctionProps.timeout',
      { exampleConsumer: true, consumerFunctionProps: { timeout: Duration.seconds(3) } },
      /consumerFunctionProps.timeout follows visibilityTimeout/,
    ],
    [
      'consumerFunctionProps.environment.AWS_ENDPOINT_URL_SQS',
      { exampleConsumer: true, consumerFunctionProps: { environment: { AWS_ENDPOINT_URL_SQS: 'http://evil' } } },
      /consumerFunctionProps.environment.AWS_ENDPOINT_URL_SQS would send the example consumer’s AWS calls somewhere else/,
    ],
    [
      'consumerFunctionProps without the example consumer',
      { consumerFunctionProps: { memorySize: 256 } },
      /consumerFunctionProps applies to the example consumer, which only exampleConsumer=true creates/,
    ],
    ['restApiProps.binaryMediaTypes', { restApiProps: { binaryMediaTypes: ['application/json'] } }, /binaryMediaTypes must include \*\/\*/],
    [
      'restApiProps.policy',
      { restApiProps: { policy: undefined as never } },
      /restApiProps.policy has a prop of its own: set allowedSourceIps/,
    ],
    [
      'restApiProps.deployOptions.dataTraceEnabled',
      { restApiProps: { deployOptions: { dataTraceEnabled: true } } },
      /dataTraceEnabled must stay false: it would log every request body and header/,
    ],
    [
      'a PRIVATE endpoint',
      { restApiProps: { endpointConfiguration: { types: [apigateway.EndpointType.PRIVATE] } } },
      /endpointConfiguration must not be PRIVATE/,
    ],
    [
      'no execute-api endpoint and no domain',
      { restApiProps: { disableExecuteApiEndpoint: true } },
      /disableExecuteApiEndpoint needs domainName/,
    ],
  ])('refuse %s at synth, saying why', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});

it('merges inboxFunctionProps and consumerFunctionProps over their functions; an inbox timeout sets the inbox visibility to six times it', () => {
  const { template } = build({
    pantherAccountIds: ['123456789012'],
    inboxFunctionProps: { memorySize: 1024, timeout: Duration.seconds(60), environment: { TEAM: 'secops' } },
    exampleConsumer: true,
    consumerFunctionProps: { memorySize: 256, description: 'Ours' },
  });
  const functions = Object.entries(template.findResources('AWS::Lambda::Function'));
  const [, inbox] = functions.find(([id]) => id.includes('InboxProcessor'))!;
  expect(inbox.Properties).toMatchObject({ MemorySize: 1024, Timeout: 60 });
  expect(Object.keys(inbox.Properties.Environment.Variables)).toEqual(expect.arrayContaining(['TEAM', 'QUEUE_URL']));
  const [, inboxQueue] = Object.entries(template.findResources('AWS::SQS::Queue')).find(([id]) => /InboxQueue/.test(id))!;
  expect(inboxQueue.Properties.VisibilityTimeout).toBe(360);
  const [, consumer] = functions.find(([id]) => id.includes('ExampleConsumer'))!;
  expect(consumer.Properties).toMatchObject({ MemorySize: 256, Description: 'Ours', Timeout: 5 });
});

it('lists every refused setting in one error', () => {
  expect(() => build({ functionProps: { memorySize: 2048, timeout: Duration.seconds(40) }, queueProps: { enforceSSL: false } })).toThrow(
    /PantherAlertForwarder: 3 problems:\n- queueProps.enforceSSL .*\n- functionProps.memorySize .*\n- functionProps.timeout /,
  );
});

it('applies FIFO high throughput to the FIFO queues and keeps it off the (standard) quarantine', () => {
  const { template } = build({
    fifo: true,
    queueProps: {
      fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
    },
  });
  const queues = Object.entries(template.findResources('AWS::SQS::Queue')).filter(([id]) => id.includes('ForwarderQueues'));
  for (const [id, queue] of queues) {
    expect([id, queue.Properties.FifoThroughputLimit]).toEqual([id, id.includes('Quarantine') ? undefined : 'perMessageGroupId']);
  }
});

describe('a custom domain', () => {
  const domain = { domainName: 'alerts.example.com', certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/abc-123' };
  const stack = new PantherAlertForwarderStack(new App(), 'Domained', { env: ENV, forwarder: domain });
  const template = Template.fromStack(stack);

  it('is a regional TLS 1.2 domain with a base path mapping to the stage, and the webhook URL uses it', () => {
    template.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'alerts.example.com',
      EndpointConfiguration: { Types: ['REGIONAL'] },
      RegionalCertificateArn: domain.certificateArn,
      SecurityPolicy: 'TLS_1_2',
    });
    const [mapping] = Object.values(template.findResources('AWS::ApiGateway::BasePathMapping'));
    expect(mapping!.Properties.Stage).toEqual({ Ref: Object.keys(template.findResources('AWS::ApiGateway::Stage'))[0] });
    expect(template.findOutputs('WebhookUrl').WebhookUrl!.Value).toBe('https://alerts.example.com/alerts');
    expect(JSON.stringify(template.findOutputs('DomainNameTarget').DomainNameTarget!.Value)).toContain('RegionalDomainName');
  });

  it.each<[string, PantherAlertForwarderProps, RegExp]>([
    ['a domain without a certificate', { domainName: 'alerts.example.com' }, /domainName needs certificateArn/],
    ['a certificate without a domain', { certificateArn: domain.certificateArn }, /certificateArn is used only with domainName/],
    ['a domain that is not one', { ...domain, domainName: 'not a domain' }, /domainName must be a DNS name/],
    ['a certificate ARN that is not one', { ...domain, certificateArn: 'abc' }, /certificateArn must be an ACM certificate ARN/],
    [
      'a certificate in another region',
      { ...domain, certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc' },
      /certificateArn must be in the stack's region \(eu-west-1\)/,
    ],
  ])('refuses %s at synth', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});

describe('a WAF web ACL', () => {
  const webAclArn = 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/panther/abc-123';

  it('is associated with the API stage', () => {
    const { template } = build({ webAclArn });
    const stageId = Object.keys(template.findResources('AWS::ApiGateway::Stage'))[0]!;
    const [association] = Object.values(template.findResources('AWS::WAFv2::WebACLAssociation'));
    expect(association!.Properties.WebACLArn).toBe(webAclArn);
    expect(JSON.stringify(association!.Properties.ResourceArn)).toContain(stageId);
  });

  it('refuses a web ACL of another region at synth', () => {
    expect(() => build({ webAclArn: webAclArn.replace('eu-west-1', 'us-east-1') })).toThrow(
      /webAclArn must be in the stack's region \(eu-west-1\)/,
    );
  });

  it('refuses a malformed ARN at synth, naming the prop', () => {
    expect(() => build({ webAclArn: 'arn:aws:wafv2:eu-west-1:111111111111:global/webacl/x/y' })).toThrow(
      /webAclArn must be a regional WAFv2 web ACL ARN/,
    );
  });
});
