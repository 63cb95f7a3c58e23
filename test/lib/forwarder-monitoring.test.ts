import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ForwarderMonitoring } from '../../lib/forwarder-monitoring';
import { PantherAlertForwarder } from '../../lib/panther-alert-forwarder';

const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
const forwarder = new PantherAlertForwarder(stack, 'Forwarder');
const topic = new sns.Topic(stack, 'Topic');
const monitoring = new ForwarderMonitoring(stack, 'Monitoring', {
  forwarder,
  alarmTopic: topic,
  maxAlertAge: Duration.minutes(30),
  noAlertHours: 12,
});
const template = Template.fromStack(stack);
const ref = (type: string, fragment: string) => ({ Ref: Object.keys(template.findResources(type)).find((id) => id.includes(fragment))! });
const queueName = (fragment: string) => ({ 'Fn::GetAtt': [ref('AWS::SQS::Queue', fragment).Ref, 'QueueName'] });

describe('ForwarderMonitoring', () => {
  it.each([
    ['DeadLetterQueue', 'ApproximateNumberOfMessagesVisible'],
    ['QuarantineQueue', 'ApproximateNumberOfMessagesVisible'],
  ])('alarms as soon as the %s holds a message', (queue, metric) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: metric,
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: queueName(queue) }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('alarms when the oldest alert waits longer than the threshold', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: queueName('AlertQueue') }],
      Threshold: 1800,
    });
  });

  it('alarms on receiver errors or API 5xx', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'errors + server' }),
        Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Errors', Namespace: 'AWS/Lambda' }) }) }),
        Match.objectLike({
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: '5XXError', Namespace: 'AWS/ApiGateway' }) }),
        }),
      ]),
    });
  });

  it.each(['Unauthorized', 'Refused', 'SecretStaleServed'])(
    "alarms on %s only when it persists: 2 of the last 4 quarter hours, from the receiver's own metric",
    (metricName) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metricName,
        Namespace: 'PantherAlertForwarder',
        Dimensions: [{ Name: 'Forwarder', Value: 'Test/Test/Forwarder' }],
        Period: 900,
        EvaluationPeriods: 4,
        DatapointsToAlarm: 2,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    },
  );

  it("counts no API-wide 4xx: other paths and the resource policy's denials never page", () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(JSON.stringify(alarms)).not.toContain('4XXError');
  });

  it.each([['DeadLetterQueue'], ['QuarantineQueue']])(
    'warns four days before the %s deletes its oldest message (it keeps 14 days, counted from the first enqueue)',
    (queue) => {
      template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 86_400 });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: queueName(queue) }],
        Threshold: 10 * 86_400,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    },
  );

  it('scopes every metric to this forwarder: two forwarders in one account share no alarm or API name', () => {
    const names = ['One', 'Two'].map((name) => {
      const other = new Stack(new App(), name);
      const f = new PantherAlertForwarder(other, 'Forwarder');
      new ForwarderMonitoring(other, 'Monitoring', { forwarder: f });
      const alarms = Object.values(Template.fromStack(other).findResources('AWS::CloudWatch::Alarm'));
      const unauthorized = alarms.find((a) => a.Properties.MetricName === 'Unauthorized')!;
      return { api: other.resolve(f.api!.restApiName) as string, scope: unauthorized.Properties.Dimensions[0].Value as string };
    });
    expect(names[0]!.api).not.toBe(names[1]!.api);
    expect(names.map((n) => n.scope)).toEqual(['One/One/Forwarder', 'Two/Two/Forwarder']);
  });

  it('watches every route pair by construction: the age of each route queue and each route dead-letter queue', () => {
    const routed = new Stack(new App(), 'Routed');
    const f = new PantherAlertForwarder(routed, 'Forwarder', {
      routes: [
        { name: 'paging', severities: ['HIGH'] },
        { name: 'cspm', types: ['POLICY'] },
      ],
    });
    new ForwarderMonitoring(routed, 'Monitoring', { forwarder: f });
    const t = Template.fromStack(routed);
    for (const route of f.routes) {
      const name = (queue: typeof route.queue) => ({ 'Fn::GetAtt': [routed.getLogicalId(queue.node.defaultChild as never), 'QueueName'] });
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: name(route.queue) }],
      });
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: name(route.deadLetterQueue!) }],
        Threshold: 1,
      });
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: name(route.deadLetterQueue!) }],
        Threshold: 10 * 86_400,
      });
    }
    expect(f.routes).toHaveLength(2);
  });

  it('alarms when no alert was accepted for N hours, missing data counting as silence', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Accepted',
      Namespace: 'PantherAlertForwarder',
      Period: 3600,
      EvaluationPeriods: 12,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('notifies the given topic on alarm and on recovery, from every alarm', () => {
    // For the alert pair: dead letters, their expiry, a stale queue; quarantine and its expiry,
    // unauthorized, refused, stale secret, receiver errors, no alerts.
    expect(monitoring.alarms).toHaveLength(10);
    expect(Object.keys(template.findResources('AWS::SNS::Topic'))).toHaveLength(1);
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([ref('AWS::SNS::Topic', 'Topic')]);
      expect(alarm.Properties.OKActions).toEqual([ref('AWS::SNS::Topic', 'Topic')]);
    }
  });

  describe('with no topic given', () => {
    const build = (alarmEmails?: string[]) => {
      const other = new Stack(new App(), 'Own');
      const own = new ForwarderMonitoring(other, 'Monitoring', { forwarder: new PantherAlertForwarder(other, 'Forwarder'), alarmEmails });
      return { own, template: Template.fromStack(other), warnings: Annotations.fromStack(other).findWarning('*', Match.anyValue()) };
    };

    it('creates a TLS-only topic of its own that every alarm notifies, and warns at synth that nobody is subscribed', () => {
      const { own, template: t, warnings } = build();
      const topicId = Object.keys(t.findResources('AWS::SNS::Topic'))[0]!;
      for (const alarm of Object.values(t.findResources('AWS::CloudWatch::Alarm'))) {
        expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
        expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId }]);
      }
      expect(own.alarms.length).toBeGreaterThan(0);
      t.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
      });
      expect(warnings.map((w) => String(w.entry.data))).toEqual([expect.stringMatching(/Nobody will be told.*alarmEmail/)]);
    });

    it('subscribes each alarm email, and then warns of nothing', () => {
      const { template: t, warnings } = build(['ops@example.com', 'secops@example.org']);
      for (const endpoint of ['ops@example.com', 'secops@example.org']) {
        t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: endpoint });
      }
      expect(warnings).toEqual([]);
    });

    it('refuses an alarm email that is not an address, naming it', () => {
      expect(() => build(['ops@example.com', 'not-an-address'])).toThrow(/alarmEmails must be email addresses, got "not-an-address"/);
    });
  });

  it('draws one dashboard with the flow, the failures, the queues and the alarms', () => {
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    for (const title of ['Alerts accepted, by severity', 'Not accepted', 'Messages waiting', 'Alarms']) expect(body).toContain(title);
    // One series per severity the schema allows.
    for (const severity of ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']) {
      expect(body).toContain(
        `\\"PantherAlertForwarder\\",\\"Accepted\\",\\"Forwarder\\",\\"Test/Test/Forwarder\\",\\"Severity\\",\\"${severity}\\"`,
      );
    }
  });

  it('refuses a silence window it cannot alarm on', () => {
    const other = new Stack(new App(), 'Other');
    const f = new PantherAlertForwarder(other, 'F');
    expect(() => new ForwarderMonitoring(other, 'M', { forwarder: f, noAlertHours: 48 })).toThrow(/noAlertHours/);
  });
});
