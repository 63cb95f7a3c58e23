/** The private door: the inbox Panther's own Amazon SQS destination sends to, and its processor. */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildForwarderApp } from '../../lib/forwarder-app';

const PANTHER = '123456789012';
const synth = (context: Record<string, string>) => {
  const app = new App({ context });
  const stack = buildForwarderApp(app);
  return { app, template: Template.fromStack(stack) };
};
const { app, template } = synth({ pantherAccountId: PANTHER });
const inboxId = Object.keys(template.findResources('AWS::SQS::Queue')).find((id) => /InboxQueue/.test(id))!;
const inboxDlqId = Object.keys(template.findResources('AWS::SQS::Queue')).find((id) => /InboxDeadLetterQueue/.test(id))!;
const processor = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.includes('InboxProcessor'))!;

describe('the inbox (-c pantherAccountId)', () => {
  it('is a standard, SQS-encrypted, 1 MiB queue with a dead-letter queue', () => {
    const inbox = template.findResources('AWS::SQS::Queue')[inboxId]!;
    expect(inbox.Properties).toMatchObject({ SqsManagedSseEnabled: true, MaximumMessageSize: 1_048_576 });
    expect(inbox.Properties.FifoQueue).toBeUndefined();
    expect(inbox.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [inboxDlqId, 'Arn'] }, maxReceiveCount: 5 });
  });

  it("lets only Panther's account SendMessage (nothing else), and denies anything but TLS", () => {
    const [policy] = Object.values(template.findResources('AWS::SQS::QueuePolicy')).filter((p) =>
      JSON.stringify(p.Properties.Queues).includes(inboxId),
    );
    const statements = policy!.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>;
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Action: 'sqs:SendMessage',
        Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${PANTHER}:root`]] } },
      }),
    ]);
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  it('is drained by the processor with ReportBatchItemFailures, hiding a batch six times the processor timeout', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [inboxId, 'Arn'] },
      FunctionName: { Ref: processor[0] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const timeout = processor[1].Properties.Timeout as number;
    expect(template.findResources('AWS::SQS::Queue')[inboxId]!.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
    expect(processor[1].Properties.Environment.Variables).toMatchObject({
      QUEUE_URL: { Ref: expect.stringContaining('AlertQueue') },
      QUARANTINE_QUEUE_URL: { Ref: expect.stringContaining('QuarantineQueue') },
    });
  });

  it('alarms on its dead-letter queue and on processor errors', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [inboxDlqId, 'QueueName'] } }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: processor[0] } }],
    });
  });

  it('outputs InboxQueueUrl in the canonical https://sqs.<region>.amazonaws.com/<account>/<name> form', () => {
    expect(template.findOutputs('InboxQueueUrl').InboxQueueUrl!.Value).toEqual({
      'Fn::Join': [
        '',
        [
          'https://sqs.',
          { Ref: 'AWS::Region' },
          '.',
          { Ref: 'AWS::URLSuffix' },
          '/',
          { Ref: 'AWS::AccountId' },
          '/',
          { 'Fn::GetAtt': [inboxId, 'QueueName'] },
        ],
      ],
    });
  });

  it('keeps the webhook too, and passes cdk-nag', () => {
    expect(Object.keys(template.findResources('AWS::ApiGateway::RestApi'))).toHaveLength(1);
    expect(() => app.synth()).not.toThrow();
  });
});

describe('-c webhook=false', () => {
  const { app: privateApp, template: only } = synth({ pantherAccountId: `${PANTHER},210987654321`, webhook: 'false' });

  it('deploys no API Gateway, no webhook secret and no receiver: no public endpoint at all', () => {
    const types = Object.values(only.toJSON().Resources as Record<string, { Type: string }>).map((r) => r.Type);
    expect(types.filter((type) => type.startsWith('AWS::ApiGateway::'))).toEqual([]);
    expect(types).not.toContain('AWS::SecretsManager::Secret');
    const functions = Object.entries(only.findResources('AWS::Lambda::Function'));
    expect(functions.map(([id]) => id).sort()).toEqual([expect.stringContaining('InboxProcessor')]);
    expect(only.findOutputs('WebhookUrl')).toEqual({});
    expect(only.findOutputs('InboxQueueUrl')).not.toEqual({});
    expect(() => privateApp.synth()).not.toThrow();
  });

  it('lets every given Panther account send', () => {
    only.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sqs:SendMessage',
            Principal: { AWS: Match.arrayWith([Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':iam::210987654321:root'])] })]) },
          }),
        ]),
      },
    });
  });
});

describe('checked at synth', () => {
  it.each([
    [{ pantherAccountId: '123' }, /cdk context: pantherAccountId must be 12-digit AWS account ids \(Panther's\), got "123"/],
    [{ webhook: 'false' }, /webhook false needs pantherAccountId: /],
    [{ webhook: 'false', pantherAccountId: PANTHER, allowedSourceIps: '203.0.113.7' }, /allowedSourceIps applies to the webhook/],
  ])('%j fails, naming it', (context, message) => {
    expect(() => synth(context)).toThrow(message);
  });
});

describe('the inbox cannot starve the webhook', () => {
  const mappingOf = (t: Template) => Object.values(t.findResources('AWS::Lambda::EventSourceMapping'))[0]!.Properties;

  it('caps its event source at 5 concurrent processors by default', () => {
    expect(mappingOf(template).ScalingConfig).toEqual({ MaximumConcurrency: 5 });
  });

  it('takes -c inboxMaxConcurrency from 2 to 1000', () => {
    expect(mappingOf(synth({ pantherAccountId: PANTHER, inboxMaxConcurrency: '2' }).template).ScalingConfig).toEqual({
      MaximumConcurrency: 2,
    });
    expect(mappingOf(synth({ pantherAccountId: PANTHER, inboxMaxConcurrency: '1000' }).template).ScalingConfig).toEqual({
      MaximumConcurrency: 1000,
    });
  });

  it.each([['1'], ['1001'], ['2.5']])('refuses inboxMaxConcurrency=%s at synth', (value) => {
    expect(() => synth({ pantherAccountId: PANTHER, inboxMaxConcurrency: value })).toThrow(
      /inboxMaxConcurrency must be a whole number from 2 to 1000/,
    );
  });

  it('refuses inboxMaxConcurrency without an inbox', () => {
    expect(() => synth({ inboxMaxConcurrency: '10' })).toThrow(
      /inboxMaxConcurrency applies to the inbox, which only pantherAccountId creates/,
    );
  });
});
