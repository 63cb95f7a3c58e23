/** The construct's subscriber features: consumers here and elsewhere, routes, FIFO, the example consumer. */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { PantherAlertForwarder } from '../../lib/panther-alert-forwarder';

const CONSUME = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'];

const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
const key = new kms.Key(stack, 'Key');
const forwarder = new PantherAlertForwarder(stack, 'Forwarder', {
  encryptionKey: key,
  fifo: true,
  routes: [
    { name: 'paging', severities: ['HIGH', 'CRITICAL'] },
    { name: 'policies', types: ['POLICY'] },
  ],
  consumerAccountIds: ['222222222222'],
  consumerRoleArns: ['arn:aws:iam::333333333333:role/siem-consumer'],
  exampleConsumer: true,
});
const localConsumer = new iam.Role(stack, 'LocalConsumer', { assumedBy: new iam.AccountRootPrincipal() });
forwarder.grantConsumeMessages(localConsumer);
const template = Template.fromStack(stack);

// Queues live in the forwarder's Queues construct: ForwarderQueues<fragment><hash>.
const logicalId = (type: string, fragment: string) =>
  Object.keys(template.findResources(type)).find((id) => new RegExp(`^ForwarderQueues${fragment}[0-9A-F]{8}$`).test(id))!;
const arnOf = (fragment: string) => ({ 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', fragment), 'Arn'] });
const consumable = ['AlertQueue', 'RoutePagingQueue', 'RoutePoliciesQueue'];

describe('consumers in other accounts', () => {
  it.each(consumable)('the %s policy lets them consume, exactly', (queue) => {
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')).filter((p) =>
      JSON.stringify(p.Properties.Queues).includes(logicalId('AWS::SQS::Queue', queue)),
    );
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>);
    const allow = statements.filter((s) => s.Effect === 'Allow');
    expect(allow).toEqual([
      {
        Effect: 'Allow',
        Action: CONSUME,
        Principal: {
          AWS: [
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:root']] },
            'arn:aws:iam::333333333333:role/siem-consumer',
          ],
        },
        Resource: arnOf(queue),
      },
    ]);
  });

  it('adds them to the key policy for kms:Decrypt only, and only through SQS (the queues) or S3 (the archive)', () => {
    const keyPolicy =
      template.findResources('AWS::KMS::Key')[Object.keys(template.findResources('AWS::KMS::Key'))[0]!]!.Properties.KeyPolicy;
    const forConsumers = (keyPolicy.Statement as Array<Record<string, unknown>>).filter((s) =>
      JSON.stringify(s.Principal).includes('222222222222'),
    );
    const through = (service: string) => ({
      StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', [`${service}.${stack.region}.`, { Ref: 'AWS::URLSuffix' }]] } },
    });
    expect(forConsumers).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: through('sqs') }),
      expect.objectContaining({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: through('s3') }),
    ]);
  });

  it('does not open the quarantine or dead-letter queues to them', () => {
    for (const queue of ['QuarantineQueue', 'DeadLetterQueue']) {
      const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')).filter((p) =>
        JSON.stringify(p.Properties.Queues).includes(logicalId('AWS::SQS::Queue', queue)),
      );
      expect(JSON.stringify(policies)).not.toContain('222222222222');
    }
  });
});

describe('grantConsumeMessages (same account)', () => {
  it('grants exactly consuming on the alert and route queues, and decrypting with the key', () => {
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) =>
      JSON.stringify(p.Properties.Roles).includes('LocalConsumer'),
    )!;
    const statements = policy.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>;
    const sqsResources = statements.filter((s) => JSON.stringify(s.Action).includes('sqs:')).flatMap((s) => [s.Resource].flat());
    expect(sqsResources).toEqual(expect.arrayContaining(consumable.map(arnOf)));
    expect(sqsResources).toHaveLength(consumable.length);
    for (const s of statements.filter((s) => JSON.stringify(s.Action).includes('sqs:'))) expect(s.Action).toEqual(CONSUME);
    const decrypt = statements.find((s) => s.Action === 'kms:Decrypt');
    expect(JSON.stringify(decrypt?.Condition)).toContain('kms:ViaService');
  });
});

describe('routes', () => {
  it('gives each route a queue and a dead-letter queue with a redrive policy', () => {
    for (const route of ['RoutePaging', 'RoutePolicies']) {
      template.hasResourceProperties('AWS::SQS::Queue', {
        RedrivePolicy: { deadLetterTargetArn: arnOf(`${route}DeadLetterQueue`), maxReceiveCount: 5 },
      });
    }
    expect(forwarder.routes.map((r) => r.name)).toEqual(['paging', 'policies']);
  });

  it('tells the receiver each route and lets it send to their queues', () => {
    const env = JSON.stringify(
      template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler', Environment: Match.anyValue() } }),
    );
    expect(env).toContain('\\"name\\":\\"paging\\"');
    expect(env).toContain('\\"severities\\":[\\"HIGH\\",\\"CRITICAL\\"]');
    const send = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>)
      .find((s) => s.Action === 'sqs:SendMessage')!;
    expect(send.Resource).toEqual([arnOf('AlertQueue'), arnOf('RoutePagingQueue'), arnOf('RoutePoliciesQueue'), arnOf('QuarantineQueue')]);
  });

  it('refuses a route name it cannot turn into a queue', () => {
    expect(() => new PantherAlertForwarder(new Stack(new App(), 'S'), 'F', { routes: [{ name: 'no spaces' }] })).toThrow(
      /routes: route 0 name "no spaces"/,
    );
  });
});

describe('FIFO mode', () => {
  it('makes the alert, route and dead-letter queues FIFO, deduplicated by the receiver, and leaves quarantine standard', () => {
    for (const queue of ['AlertQueue', 'DeadLetterQueue', 'RoutePagingQueue', 'RoutePagingDeadLetterQueue']) {
      expect(template.findResources('AWS::SQS::Queue')[logicalId('AWS::SQS::Queue', queue)]!.Properties).toEqual(
        expect.objectContaining({ FifoQueue: true, ContentBasedDeduplication: false }),
      );
    }
    expect(
      template.findResources('AWS::SQS::Queue')[logicalId('AWS::SQS::Queue', 'QuarantineQueue')]!.Properties.FifoQueue,
    ).toBeUndefined();
  });
});

describe('example consumer', () => {
  it('reads the alert queue in batches, reporting partial failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf('AlertQueue'),
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // A sixth of the queue's visibility timeout (30 s by default), as AWS recommends for SQS sources.
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Architectures: ['arm64'], Timeout: 5 });
  });
});

describe('example consumer timeout, derived from the visibility timeout', () => {
  const consumerTimeout = (visibilityTimeout: Duration) => {
    const other = new Stack(new App(), 'Other');
    new PantherAlertForwarder(other, 'Forwarder', { exampleConsumer: true, visibilityTimeout });
    const functions = Object.values(Template.fromStack(other).findResources('AWS::Lambda::Function'));
    return functions.find((f) => String(f.Properties.Description).startsWith('Example'))!.Properties.Timeout as number;
  };

  it('is a sixth of a custom visibility timeout, so the event source mapping deploys', () => {
    expect(consumerTimeout(Duration.seconds(60))).toBe(10);
    expect(consumerTimeout(Duration.seconds(10))).toBe(1); // under the old fixed 15 s, which failed to deploy
  });

  it('fails the synth when the visibility timeout cannot host a consumer', () => {
    expect(() => consumerTimeout(Duration.seconds(0))).toThrow(/visibilityTimeout of at least 1 second/);
  });
});
