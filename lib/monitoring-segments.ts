/**
 * The monitoring, one segment per concern: the queues (every pair by construction, and the
 * quarantine), the webhook (refused deliveries, the secret, the receiver), the inbox's processor, and
 * the flow of alerts. Each returns its alarms and its widgets.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { OUTCOME_METRICS, SECRET_STALE_METRIC } from '../functions/core/metrics';
import { SEVERITIES } from '../functions/core/routes';
import { FORWARDER_SETTINGS as SETTINGS } from '../functions/core/settings';
import { AT_LEAST_ONE, type MonitoringKit, notEmpty, type Segment } from './monitoring-kit';
import type { PantherAlertForwarder } from './panther-alert-forwarder';

/** Every queue/dead-letter pair (alert queue, routes, the inbox) and the quarantine: waiting too long, close to expiry. */
export function queueSegment(
  kit: MonitoringKit,
  forwarder: PantherAlertForwarder,
  expiryWarning: Duration,
  maxAlertAge: Duration,
): Segment {
  const ageAlarmSeconds = Duration.days(SETTINGS.retentionDays).toSeconds() - expiryWarning.toSeconds();
  /** The oldest message is this close to SQS deleting it (exact for the quarantine and FIFO dead letters; see expiryWarning). */
  const expiring = (queue: sqs.IQueue) => ({
    metric: queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(15), statistic: 'Maximum' }),
    threshold: ageAlarmSeconds,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  const daysLeft = `${expiryWarning.toDays()} days before SQS deletes it`;
  const alarms: cloudwatch.Alarm[] = [];
  for (const pair of forwarder.queuePairs) {
    const prefix = pair.id === 'Alert' ? '' : pair.id;
    if (pair.deadLetterQueue) {
      alarms.push(
        kit.alarm(
          `${prefix}DeadLetterQueueNotEmpty`,
          `Alerts a consumer failed to process are waiting on the ${pair.id} dead-letter queue`,
          {
            metric: notEmpty(pair.deadLetterQueue),
            ...AT_LEAST_ONE,
          },
        ),
        kit.alarm(
          `${prefix}DeadLetterQueueExpiring`,
          `An alert on the ${pair.id} dead-letter queue is ${daysLeft}: redrive it or save it now`,
          expiring(pair.deadLetterQueue),
        ),
      );
    }
    alarms.push(
      kit.alarm(
        `${pair.id}QueueStale`,
        `The oldest alert on the ${pair.id} queue has waited too long: its consumers are stuck or missing`,
        {
          metric: pair.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
          threshold: maxAlertAge.toSeconds(),
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        },
      ),
    );
  }
  alarms.push(
    kit.alarm(
      'QuarantineNotEmpty',
      'Payloads that were not valid Panther alerts are waiting in quarantine: check the schema, then redrive',
      {
        metric: notEmpty(forwarder.quarantineQueue),
        ...AT_LEAST_ONE,
      },
    ),
    kit.alarm(
      'QuarantineExpiring',
      `A quarantined payload is ${daysLeft}: fix the schema and redrive, or save it now`,
      expiring(forwarder.quarantineQueue),
    ),
  );
  const queues = [...forwarder.queuePairs.flatMap((pair) => [pair.queue, pair.deadLetterQueue ?? []]).flat(), forwarder.quarantineQueue];
  const widgets = [
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
  ];
  return { alarms, widgets };
}

/** The webhook: deliveries refused (Panther drops them after its retries), a stale secret, receiver errors. */
export function webhookSegment(kit: MonitoringKit, forwarder: PantherAlertForwarder): Segment {
  const { api, receiver } = forwarder;
  if (!api || !receiver) return { alarms: [], widgets: [] };
  // Counted by the receiver itself, so only POST /alerts from allowed addresses counts: other paths and resource-policy denials never do.
  const alarms = [
    kit.alarm(
      'DeliveriesUnauthorized',
      'POST /alerts was refused 401/403 (missing or wrong secret header) in 2 of the last 4 quarter hours: if Panther sends them, its Custom Webhook header is wrong and it will drop those alerts after its retries',
      kit.persistent(OUTCOME_METRICS.unauthorized.name),
    ),
    kit.alarm(
      'DeliveriesRefused',
      'The receiver refused authenticated deliveries 400/413 (too large, empty, or not an alert in reject mode) in 2 of the last 4 quarter hours: Panther retries, then drops them',
      kit.persistent(OUTCOME_METRICS.refused.name),
    ),
    kit.alarm(
      'SecretStale',
      `The webhook secret could not be refreshed in 2 of the last 4 quarter hours: the cached secret serves for ${forwarder.maxSecretStaleness.toHumanString()} past its refresh, then every delivery gets 503`,
      kit.persistent(SECRET_STALE_METRIC),
    ),
    kit.alarm('ReceiverErrors', 'The receiver failed requests (Lambda errors or 5xx answers): Panther is retrying', {
      metric: new cloudwatch.MathExpression({
        expression: 'errors + server',
        usingMetrics: {
          errors: receiver.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
          server: api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
        },
        label: 'Receiver errors + API 5xx',
      }),
      ...AT_LEAST_ONE,
    }),
  ];
  const widgets = [
    new cloudwatch.GraphWidget({
      title: 'API: requests and errors',
      left: [api.metricCount(), api.metricClientError(), api.metricServerError()],
      right: [api.metricLatency({ statistic: 'p99' })],
      width: 8,
    }),
    functionWidget('Receiver', receiver),
  ];
  return { alarms, widgets };
}

/** The processors that drain a queue (the inbox's): a failed send is a failed record, retried by SQS; errors mean the processor broke. */
export function processorSegment(kit: MonitoringKit, forwarder: PantherAlertForwarder): Segment {
  const alarms = forwarder.processors.map((processor) =>
    kit.alarm(
      `${processor.id}ProcessorErrors`,
      `The ${processor.id.toLowerCase()} processor failed (Lambda errors): its queue keeps the alerts, SQS retries them`,
      { metric: processor.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), ...AT_LEAST_ONE },
    ),
  );
  return { alarms, widgets: forwarder.processors.map((processor) => functionWidget(`${processor.id} processor`, processor.function)) };
}

/** The flow: alerts accepted by severity, what was not accepted, and (with noAlertHours) silence. */
export function flowSegment(kit: MonitoringKit, noAlertHours: number | undefined): Segment {
  const alarms =
    noAlertHours === undefined
      ? []
      : [
          kit.alarm('NoAlertsReceived', `No Panther alert was accepted for ${noAlertHours} hours`, {
            metric: kit.metric(OUTCOME_METRICS.queued.name).with({ period: Duration.hours(1) }),
            threshold: 1,
            evaluationPeriods: noAlertHours,
            comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            treatMissingData: cloudwatch.TreatMissingData.BREACHING,
          }),
        ];
  const widgets = [
    new cloudwatch.GraphWidget({
      title: 'Alerts accepted, by severity',
      stacked: true,
      left: SEVERITIES.map((severity) => kit.metric(OUTCOME_METRICS.queued.name, { Severity: severity }).with({ label: severity })),
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      title: 'Not accepted',
      left: (['quarantined', 'refused', 'unauthorized', 'enqueue-failed', 'error'] as const).map((outcome) =>
        kit.metric(OUTCOME_METRICS[outcome].name),
      ),
      width: 12,
    }),
  ];
  return { alarms, widgets };
}

function functionWidget(title: string, f: lambda.IFunction): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({
    title,
    left: [f.metricInvocations(), f.metricErrors(), f.metricThrottles()],
    right: [f.metricDuration({ statistic: 'p99' })],
    width: 8,
  });
}
