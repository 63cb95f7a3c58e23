import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import pantherAlertSchema from '../functions/core/panther-alert.schema.json';
import { METRICS_NAMESPACE } from '../functions/core/metrics';
import type { PantherAlertForwarder } from './panther-alert-forwarder';

export interface ForwarderMonitoringProps {
  /** The forwarder to watch. */
  readonly forwarder: PantherAlertForwarder;
  /**
   * Where alarms notify (alarm and OK).
   * @default no notification; the alarms still show in CloudWatch
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Alarm when the oldest alert on the alert queue is older than this: consumers are stuck.
   * @default Duration.hours(1)
   */
  readonly maxAlertAge?: Duration;
  /**
   * Alarm when no alert was accepted for this many hours (1–24): Panther may have stopped sending.
   * @default no such alarm
   */
  readonly noAlertHours?: number;
}

/** The severities the alert schema allows, in its order (INFO … CRITICAL). */
const SEVERITIES = pantherAlertSchema.properties.severity.enum;

/** Alarms on what must not happen silently, and one dashboard showing the flow at a glance. */
export class ForwarderMonitoring extends Construct {
  /** Every alarm this construct created. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ForwarderMonitoringProps) {
    super(scope, id);
    const { forwarder } = props;
    const metric = (name: string, dimensionsMap?: Record<string, string>) =>
      new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: name, dimensionsMap, statistic: 'Sum', period: Duration.minutes(5) });
    const notEmpty = (queue: sqs.Queue) => queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' });

    const alarm = (id: string, description: string, options: Omit<cloudwatch.AlarmProps, 'alarmDescription'>) => {
      const created = new cloudwatch.Alarm(this, id, { alarmDescription: description, ...options });
      if (props.alarmTopic) {
        created.addAlarmAction(new actions.SnsAction(props.alarmTopic));
        created.addOkAction(new actions.SnsAction(props.alarmTopic));
      }
      this.alarms.push(created);
      return created;
    };
    const atLeastOne = {
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };

    alarm('DeadLetterQueueNotEmpty', 'Alerts a consumer failed to process are waiting on the dead-letter queue', {
      metric: notEmpty(forwarder.deadLetterQueue),
      ...atLeastOne,
    });
    alarm('QuarantineNotEmpty', 'Payloads that were not valid Panther alerts are waiting in quarantine: check the schema, then redrive', {
      metric: notEmpty(forwarder.quarantineQueue),
      ...atLeastOne,
    });
    alarm('AlertQueueStale', 'The oldest alert on the alert queue has waited too long: consumers are stuck or missing', {
      metric: forwarder.alertQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: (props.maxAlertAge ?? Duration.hours(1)).toSeconds(),
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm('ReceiverErrors', 'The receiver failed requests (Lambda errors or 5xx answers): Panther is retrying', {
      metric: new cloudwatch.MathExpression({
        expression: 'errors + server',
        usingMetrics: {
          errors: forwarder.receiver.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
          server: forwarder.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
        },
        label: 'Receiver errors + API 5xx',
      }),
      ...atLeastOne,
    });
    if (props.noAlertHours !== undefined) {
      if (!Number.isInteger(props.noAlertHours) || props.noAlertHours < 1 || props.noAlertHours > 24) {
        throw new Error('noAlertHours must be a whole number of hours from 1 to 24');
      }
      alarm('NoAlertsReceived', `No Panther alert was accepted for ${props.noAlertHours} hours`, {
        metric: metric('Accepted').with({ period: Duration.hours(1) }),
        threshold: 1,
        evaluationPeriods: props.noAlertHours,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
    }

    const queues = [forwarder.alertQueue, forwarder.deadLetterQueue, forwarder.quarantineQueue];
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Alerts accepted, by severity',
            stacked: true,
            left: SEVERITIES.map((severity) => metric('Accepted', { Severity: severity }).with({ label: severity })),
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Not accepted',
            left: [metric('Quarantined'), metric('Refused'), metric('Unauthorized'), metric('EnqueueFailures'), metric('Errors')],
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'API: requests and errors',
            left: [forwarder.api.metricCount(), forwarder.api.metricClientError(), forwarder.api.metricServerError()],
            right: [forwarder.api.metricLatency({ statistic: 'p99' })],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Receiver',
            left: [forwarder.receiver.metricInvocations(), forwarder.receiver.metricErrors(), forwarder.receiver.metricThrottles()],
            right: [forwarder.receiver.metricDuration({ statistic: 'p99' })],
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Messages waiting',
            left: queues.map((queue) => queue.metricApproximateNumberOfMessagesVisible()),
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Age of the oldest alert (s)',
            left: [forwarder.alertQueue.metricApproximateAgeOfOldestMessage()],
            width: 12,
          }),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 })],
      ],
    });
  }
}
