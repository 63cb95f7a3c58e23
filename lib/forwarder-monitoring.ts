import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, OUTCOME_METRICS, SCOPE_DIMENSION } from '../functions/core/metrics';
import { SEVERITIES } from '../functions/core/routes';
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

/**
 * Alarms on what must not happen silently, and one dashboard showing the flow at a glance. Every
 * queue/dead-letter pair the forwarder has (routes included) is watched by construction, and every
 * metric is this forwarder's own (its Forwarder dimension, its uniquely named API).
 */
export class ForwarderMonitoring extends Construct {
  /** Every alarm this construct created. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ForwarderMonitoringProps) {
    super(scope, id);
    const { forwarder } = props;
    const metric = (name: string, dimensionsMap: Record<string, string> = {}) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { [SCOPE_DIMENSION]: forwarder.metricsScope, ...dimensionsMap },
        statistic: 'Sum',
        period: Duration.minutes(5),
      });
    const notEmpty = (queue: sqs.Queue) =>
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' });

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

    for (const pair of forwarder.queuePairs) {
      const prefix = pair.id === 'Alert' ? '' : pair.id;
      alarm(`${prefix}DeadLetterQueueNotEmpty`, `Alerts a consumer failed to process are waiting on the ${pair.id} dead-letter queue`, {
        metric: notEmpty(pair.deadLetterQueue),
        ...atLeastOne,
      });
      alarm(`${pair.id}QueueStale`, `The oldest alert on the ${pair.id} queue has waited too long: its consumers are stuck or missing`, {
        metric: pair.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: (props.maxAlertAge ?? Duration.hours(1)).toSeconds(),
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    alarm('QuarantineNotEmpty', 'Payloads that were not valid Panther alerts are waiting in quarantine: check the schema, then redrive', {
      metric: notEmpty(forwarder.quarantineQueue),
      ...atLeastOne,
    });
    // Panther drops a delivery after 10 refused retries: every refusal is a possible lost alert.
    alarm(
      'DeliveriesUnauthorized',
      'Requests were refused 401/403 (missing or wrong secret header): if they come from Panther, check its Custom Webhook header',
      {
        metric: metric(OUTCOME_METRICS.unauthorized.name),
        ...atLeastOne,
      },
    );
    alarm(
      'DeliveriesRefused',
      'The API answered 4xx (refused, too large, throttled, IP not allowed): Panther retries 10 times, then drops the alert',
      {
        metric: forwarder.api.metricClientError({ period: Duration.minutes(5), statistic: 'Sum' }),
        ...atLeastOne,
      },
    );
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
        metric: metric(OUTCOME_METRICS.queued.name).with({ period: Duration.hours(1) }),
        threshold: 1,
        evaluationPeriods: props.noAlertHours,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
    }

    const queues = [...forwarder.queuePairs.flatMap((pair) => [pair.queue, pair.deadLetterQueue]), forwarder.quarantineQueue];
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Alerts accepted, by severity',
            stacked: true,
            left: SEVERITIES.map((severity) => metric(OUTCOME_METRICS.queued.name, { Severity: severity }).with({ label: severity })),
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Not accepted',
            left: (['quarantined', 'refused', 'unauthorized', 'enqueue-failed', 'error'] as const).map((outcome) =>
              metric(OUTCOME_METRICS[outcome].name),
            ),
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
            left: forwarder.queuePairs.map((pair) => pair.queue.metricApproximateAgeOfOldestMessage()),
            width: 12,
          }),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 })],
      ],
    });
  }
}
