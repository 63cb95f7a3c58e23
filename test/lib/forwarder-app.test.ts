import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { buildForwarderApp } from '../../lib/forwarder-app';

describe('the CDK app, with cdk-nag on as `cdk synth` runs it', () => {
  it('synthesizes with zero unacknowledged AwsSolutions findings', () => {
    const app = new App();
    buildForwarderApp(app);
    expect(() => app.synth()).not.toThrow();
  });

  it('fails the synth on a finding nobody acknowledged (the check is live)', () => {
    const app = new App();
    const stack = buildForwarderApp(app);
    new sqs.Queue(stack, 'Unacknowledged', { enforceSSL: false });
    expect(() => app.synth()).toThrow();
  });

  it('reads its options from context', () => {
    const app = new App({
      context: {
        allowedSourceIps: '203.0.113.7, 198.51.100.0/24',
        invalidPayloads: 'reject',
        noAlertHours: '6',
        alarmTopicArn: 'arn:aws:sns:eu-west-1:111111111111:alerts',
      },
    });
    const template = Template.fromStack(buildForwarderApp(app));
    const api = Object.values(template.findResources('AWS::ApiGateway::RestApi'))[0]!;
    expect(JSON.stringify(api.Properties.Policy)).toContain('198.51.100.0/24');
    expect(JSON.stringify(template.findResources('AWS::Lambda::Function'))).toContain('"INVALID_PAYLOADS":"reject"');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { EvaluationPeriods: 6, ComparisonOperator: 'LessThanThreshold' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: ['arn:aws:sns:eu-west-1:111111111111:alerts'] });
  });

  it('refuses an unknown invalidPayloads mode', () => {
    expect(() => buildForwarderApp(new App({ context: { invalidPayloads: 'drop' } }))).toThrow(/invalidPayloads/);
  });

  it.each([
    [
      'an empty severity list',
      { routes: '[{"name":"paging","severities":[]}]' },
      /routes: route "paging" severities must be a non-empty array/,
    ],
    [
      'a lower-case severity',
      { routes: '[{"name":"paging","severities":["high"]}]' },
      /route "paging" severities: "high" is not one of INFO, LOW, MEDIUM, HIGH, CRITICAL/,
    ],
    ['routes that are not JSON', { routes: '[{name:paging}]' }, /cdk context: routes must be JSON/],
    ['fifo=1', { fifo: '1' }, /cdk context: fifo must be true or false, got "1"/],
    ['exampleConsumer=yes', { exampleConsumer: 'yes' }, /exampleConsumer must be true or false/],
    ['noAlertHours=six', { noAlertHours: 'six' }, /noAlertHours must be a number/],
    ['noAlertHours=48', { noAlertHours: '48' }, /noAlertHours must be a whole number of hours from 1 to 24, got 48/],
    [
      'inboxMaxConcurrency=1',
      { pantherAccountId: '123456789012', inboxMaxConcurrency: '1' },
      /inboxMaxConcurrency must be a whole number from 2 to 1000, got 1/,
    ],
    ['consumerAccountIds=12345', { consumerAccountIds: '12345' }, /consumerAccountIds must be 12-digit AWS account ids, got "12345"/],
    [
      'allowedSourceIps=300.1.1.1',
      { allowedSourceIps: '300.1.1.1' },
      /allowedSourceIps must be IPv4\/IPv6 addresses or CIDR blocks, got "300.1.1.1"/,
    ],
    ['consumerRoleArns=nope', { consumerRoleArns: 'nope' }, /consumerRoleArns must be IAM role ARNs .*, got "nope"/],
    ['alarmEmail=ops', { alarmEmail: 'ops@example.com,ops' }, /cdk context: alarmEmail must be email addresses, got "ops"/],
  ])('fails the synth on %s, naming it', (_name, context, message) => {
    expect(() => buildForwarderApp(new App({ context }))).toThrow(message);
  });

  it('takes fifo=true and fifo=false, from -c (strings) and cdk.json (booleans) alike', () => {
    for (const [fifo, expected] of [
      ['true', true],
      [true, true],
      ['false', false],
      [false, false],
    ] as const) {
      const template = Template.fromStack(buildForwarderApp(new App({ context: { fifo } })));
      const queues = Object.values(template.findResources('AWS::SQS::Queue')).map((q) => q.Properties.FifoQueue === true);
      expect(queues.includes(true)).toBe(expected);
    }
  });

  it('outputs the redrive command with the routes filled in, as the receiver has them', () => {
    const stack = buildForwarderApp(new App({ context: { routes: '[{"name":"paging","severities":["HIGH","CRITICAL"]}]' } }));
    const command = JSON.stringify(Template.fromStack(stack).findOutputs('QuarantineRedriveCommand'));
    expect(command).toContain('npx --no panther-forwarder redrive --from ');
    expect(command).toContain(" --revalidate --routes '");
    expect(command).toContain('\\"name\\":\\"paging\\"');
  });

  describe('with no context, as a new user deploys it', () => {
    const app = new App();
    const template = Template.fromStack(buildForwarderApp(app));

    it("gives every alarm an action: the stack's own topic, whose ARN is an output", () => {
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
      const [topicId] = Object.keys(template.findResources('AWS::SNS::Topic'));
      expect(alarms.length).toBeGreaterThan(0);
      for (const alarm of alarms)
        expect([alarm.Properties.AlarmActions, alarm.Properties.OKActions]).toEqual([[{ Ref: topicId }], [{ Ref: topicId }]]);
      expect(template.findOutputs('AlarmTopicArn').AlarmTopicArn!.Value).toEqual({ Ref: topicId });
    });

    it('creates no AWS::ApiGateway::Account (an account-wide setting)', () => {
      expect(template.findResources('AWS::ApiGateway::Account')).toEqual({});
    });

    it('keeps every dead-letter queue and the quarantine 14 days, each with an age alarm', () => {
      const queues = template.findResources('AWS::SQS::Queue');
      const waiting = Object.entries(queues).filter(([id]) => /DeadLetterQueue|QuarantineQueue/.test(id));
      expect(waiting.length).toBe(2); // the alert queue's dead-letter queue, the quarantine
      for (const [id, queue] of waiting) {
        expect(queue.Properties.MessageRetentionPeriod).toBe(1_209_600);
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: 'ApproximateAgeOfOldestMessage',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }],
        });
      }
    });
  });

  it('with -c alarmEmail=a@b.c: an email subscription to the alarm topic', () => {
    const template = Template.fromStack(buildForwarderApp(new App({ context: { alarmEmail: 'a@b.c' } })));
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'a@b.c' });
  });

  it('with -c apiGatewayCloudWatchRole=true: the account role, and still no unacknowledged finding', () => {
    const app = new App({ context: { apiGatewayCloudWatchRole: 'true' } });
    const template = Template.fromStack(buildForwarderApp(app));
    expect(Object.keys(template.findResources('AWS::ApiGateway::Account'))).toHaveLength(1);
    expect(() => app.synth()).not.toThrow();
  });

  describe('the edge options from context', () => {
    const domain = { domainName: 'alerts.example.com', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' };
    const webAclArn = 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/panther/abc';

    it('-c domainName -c certificateArn: a regional domain name, a base path mapping, and the WebhookUrl on it', () => {
      const template = Template.fromStack(buildForwarderApp(new App({ context: domain })));
      template.hasResourceProperties('AWS::ApiGateway::DomainName', {
        DomainName: 'alerts.example.com',
        EndpointConfiguration: { Types: ['REGIONAL'] },
      });
      expect(Object.keys(template.findResources('AWS::ApiGateway::BasePathMapping'))).toHaveLength(1);
      expect(template.findOutputs('WebhookUrl').WebhookUrl!.Value).toBe('https://alerts.example.com/alerts');
    });

    it('-c domainName without a certificate fails, naming both', () => {
      expect(() => buildForwarderApp(new App({ context: { domainName: 'alerts.example.com' } }))).toThrow(
        /domainName needs certificateArn/,
      );
    });

    it('-c webAclArn: a WebACLAssociation on the stage; a malformed ARN fails naming the key', () => {
      const template = Template.fromStack(buildForwarderApp(new App({ context: { webAclArn } })));
      expect(Object.keys(template.findResources('AWS::WAFv2::WebACLAssociation'))).toHaveLength(1);
      expect(() => buildForwarderApp(new App({ context: { webAclArn: 'nope' } }))).toThrow(
        /webAclArn must be a regional WAFv2 web ACL ARN .*, got "nope"/,
      );
    });

    it.each<[string, Record<string, string>]>([
      ['a custom domain', domain],
      ['a web ACL (APIG3 satisfied, not acknowledged)', { webAclArn }],
      [
        'both, with the inbox and routes',
        { ...domain, webAclArn, pantherAccountId: '123456789012', routes: '[{"name":"paging","severities":["HIGH"]}]' },
      ],
      ['FIFO with the account role', { fifo: 'true', apiGatewayCloudWatchRole: 'true', alarmEmail: 'a@b.c' }],
    ])('passes cdk-nag with %s', (_name, context) => {
      const app = new App({ context });
      buildForwarderApp(app);
      expect(() => app.synth()).not.toThrow();
    });

    it('without a web ACL, APIG3 is acknowledged; with one, the acknowledgement is gone and cdk-nag still passes (above)', () => {
      const acknowledged = (context: Record<string, string>) =>
        buildForwarderApp(new App({ context }))
          .forwarder.api!.deploymentStage.node.metadata.filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
          .some((entry) => JSON.stringify(entry.data).includes('APIG3'));
      expect([acknowledged({}), acknowledged({ webAclArn })]).toEqual([true, false]);
    });
  });
});

describe('synth tells everything at once', () => {
  const failure = (context: Record<string, string>): string => {
    try {
      buildForwarderApp(new App({ context }));
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error(`no failure for ${JSON.stringify(context)}`);
  };

  it('refuses an unknown context key with the nearest known one', () => {
    expect(failure({ alarmEmails: 'x@example.com' })).toBe('cdk context: unknown context key alarmEmails: did you mean alarmEmail?');
    expect(failure({ pantherAccountIds: '123456789012' })).toMatch(
      /unknown context key pantherAccountIds: did you mean pantherAccountId\?/,
    );
  });

  it('lists the known keys for a key like none of them', () => {
    expect(failure({ zzzzzzzzzzzzzzzz: '1' })).toMatch(
      /unknown context key zzzzzzzzzzzzzzzz: the known keys are .*alarmEmail.*archiveScanCutoffBytes/,
    );
  });

  it("takes CDK's own context: feature flags, the CLI's keys, cached lookups", () => {
    const context = {
      '@aws-cdk/core:newStyleStackSynthesis': 'true',
      'aws-cdk:enableDiffNoFail': 'true',
      'aws:cdk:enable-path-metadata': 'true',
      'cli-telemetry': 'false',
      'acknowledged-issue-numbers': '[]',
      'availability-zones:account=111111111111:region=eu-west-1': '["eu-west-1a"]',
    };
    expect(() => buildForwarderApp(new App({ context }))).not.toThrow();
  });

  it('gives two bad props as one error listing both', () => {
    expect(failure({ fifo: 'yes', consumerAccountIds: '12345' })).toBe(
      [
        'cdk context: 2 problems:',
        'fifo must be true or false, got "yes"',
        'consumerAccountIds must be 12-digit AWS account ids, got "12345"',
      ].join('\n- '),
    );
  });

  /** One bad context per check the app runs. */
  const BAD: Record<string, string>[] = [
    { fifo: '1' },
    { noAlertHours: 'six' },
    { noAlertHours: '30' },
    { routes: '[{name:paging}]' },
    { routes: '[{"name":"paging","severities":["high"]}]' },
    { alarmEmail: 'ops' },
    { allowedSourceIps: '300.1.1.1' },
    { consumerAccountIds: '1' },
    { consumerRoleArns: 'nope' },
    { pantherAccountId: '1' },
    { invalidPayloads: 'drop' },
    { inboxMaxConcurrency: '5' },
    { pantherAccountId: '123456789012', inboxMaxConcurrency: '1001' },
    { webhook: 'false' },
    { webhook: 'false', pantherAccountId: '123456789012', allowedSourceIps: '203.0.113.7', domainName: 'a.example.com' },
    { archive: 'false', archiveDays: '400', archiveLock: 'true', archiveScanCutoffBytes: '20000000' },
    { archiveDays: '10', archiveScanCutoffBytes: '10' },
    { domainName: 'alerts.example.com' },
    { certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' },
    { domainName: 'not a domain', certificateArn: 'abc' },
    { webAclArn: 'nope' },
    { alarmEmails: 'a@b.c', webHook: 'false' },
  ];

  it('names only keys that exist, in every problem of every check', () => {
    const known = failure({ zzzzzzzzzzzzzzzz: '1' }).split('the known keys are ')[1]!.split(', ');
    /** Words in the messages that look like keys but are values or AWS's own names. */
    const NOT_KEYS = ['createdAt', 'dedupKey'];
    const strangers: string[] = [];
    for (const context of BAD) {
      const problems = failure(context)
        .replace(/^cdk context: (\d+ problems:\n- )?/, '')
        .split('\n- ');
      for (const problem of problems) {
        if (problem.startsWith('unknown context key')) continue;
        const words = [problem.split(/[ :]/)[0]!, ...(problem.replace(/"[^"]*"/g, '').match(/\b[a-z]+[A-Z]\w*\b/g) ?? [])];
        strangers.push(
          ...words.filter((word) => !known.includes(word) && !NOT_KEYS.includes(word)).map((word) => `${word} in: ${problem}`),
        );
      }
    }
    expect(strangers).toEqual([]);
  });
});
