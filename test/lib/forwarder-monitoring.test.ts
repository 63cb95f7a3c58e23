import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ForwarderMonitoring } from '../../lib/forwarder-monitoring';
import { PantherAlertForwarder } from '../../lib/panther-alert-forwarder';

const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
const forwarder = new PantherAlertForwarder(stack, 'Forwarder');
const topic = new sns.Topic(stack, 'Topic');
const monitoring = new ForwarderMonitoring(stack, 'Monitoring', { forwarder, alarmTopic: topic, maxAlertAge: Duration.minutes(30), noAlertHours: 12 });
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
        Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: '5XXError', Namespace: 'AWS/ApiGateway' }) }) }),
      ]),
    });
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

  it('notifies the topic on alarm and on recovery, from every alarm', () => {
    expect(monitoring.alarms).toHaveLength(5);
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([ref('AWS::SNS::Topic', 'Topic')]);
      expect(alarm.Properties.OKActions).toEqual([ref('AWS::SNS::Topic', 'Topic')]);
    }
  });

  it('draws one dashboard with the flow, the failures, the queues and the alarms', () => {
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    for (const title of ['Alerts accepted, by severity', 'Not accepted', 'Messages waiting', 'Alarms']) expect(body).toContain(title);
    // One series per severity the schema allows.
    for (const severity of ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']) {
      expect(body).toContain(`\\"PantherAlertForwarder\\",\\"Accepted\\",\\"Severity\\",\\"${severity}\\"`);
    }
  });

  it('refuses a silence window it cannot alarm on', () => {
    const other = new Stack(new App(), 'Other');
    const f = new PantherAlertForwarder(other, 'F');
    expect(() => new ForwarderMonitoring(other, 'M', { forwarder: f, noAlertHours: 48 })).toThrow(/noAlertHours/);
  });
});
