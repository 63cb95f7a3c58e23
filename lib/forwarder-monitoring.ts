import { Annotations, Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, OUTCOME_METRICS, SCOPE_DIMENSION, SECRET_STALE_METRIC } from '../functions/core/metrics';
import { SEVERITIES } from '../functions/core/routes';
import { FORWARDER_SETTINGS as SETTINGS } from '../functions/core/settings';
import { busAlarms, busWidgets } from './alert-bus-monitoring'; // event bus
import { checkEmails } from './forwarder-props';
import type { PantherAlertForwarder } from './panther-alert-forwarder';

export interface ForwarderMonitoringProps {
  /** The forwarder to watch. */
  readonly forwarder: PantherAlertForwarder;
  /**
   * Where alarms notify (alarm and OK).
   * @default a topic of this construct's own (`alarmTopic`), which `alarmEmails` subscribe to
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Email addresses subscribed to the alarm topic (each confirms by a link SNS sends). Without these
   * and without `alarmTopic`, synth warns that nobody will be told.
   * @default none
   */
  readonly alarmEmails?: readonly string[];
  /**
   * How long before a quarantined message expires (SQS keeps it 14 days) its age alarm fires: the time
   * left to act. Dead-letter queues get the same threshold, but on a standard queue SQS measures a
   * dead letter's age from its move while it expires 14 days after its first enqueue, so there it is a
   * reminder (DeadLetterQueueNotEmpty fires at once).
   * @default Duration.days(4)
   */
  readonly expiryWarning?: Duration;
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

/** Refusals (and stale-secret refreshes) count per quarter hour and page only when they persist: Panther retries every 15+ minutes. */
const PERSISTENT = {
  period: Duration.minutes(15),
  /** Two bad quarter hours within the last hour: a wrong header pages within an hour, one stray request never. */
  datapointsToAlarm: 2,
  evaluationPeriods: 4,
};

/**
 * Alarms on what must not happen silently, and one dashboard showing the flow at a glance. Every
 * alarm notifies a topic (alarm and recovery), this construct's own unless one is given. Every
 * queue/dead-letter pair the forwarder has (routes included) is watched by construction, and every
 * metric is this forwarder's own (its Forwarder dimension, its uniquely named API).
 */
export class ForwarderMonitoring extends Construct {
  /** Every alarm this construct created. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  public readonly dashboard: cloudwatch.Dashboard;
  /** Where every alarm notifies: the given topic, or this construct's own. */
  public readonly alarmTopic: sns.ITopic;

  constructor(scope: Construct, id: string, props: ForwarderMonitoringProps) {
    super(scope, id);
    const { forwarder } = props;
    const emails = checkEmails(props.alarmEmails ?? [], 'ForwarderMonitoring: alarmEmails');
    this.alarmTopic = props.alarmTopic ?? ownAlarmTopic(this);
    for (const email of emails) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(email));
    if (props.alarmTopic === undefined && emails.length === 0) {
      Annotations.of(this).addWarningV2(
        'panther-alert-forwarder:alarms-notify-nobody',
        'Nobody will be told when an alarm fires: give alarmEmail (-c alarmEmail=you@example.com) or alarmTopicArn, or subscribe to the AlarmTopicArn output.',
      );
    }
    const expiryWarning = props.expiryWarning ?? Duration.days(4);
    const ageAlarmSeconds = Duration.days(SETTINGS.retentionDays).toSeconds() - expiryWarning.toSeconds();
    if (ageAlarmSeconds <= 0) throw new Error(`ForwarderMonitoring: expiryWarning must be under ${SETTINGS.retentionDays} days`);
    const metric = (name: string, dimensionsMap: Record<string, string> = {}) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { [SCOPE_DIMENSION]: forwarder.metricsScope, ...dimensionsMap },
        statistic: 'Sum',
        period: Duration.minutes(5),
      });
    const notEmpty = (queue: sqs.IQueue) =>
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' });

    const alarm = (id: string, description: string, options: Omit<cloudwatch.AlarmProps, 'alarmDescription'>) => {
      const created = new cloudwatch.Alarm(this, id, { alarmDescription: description, ...options });
      created.addAlarmAction(new actions.SnsAction(this.alarmTopic));
      created.addOkAction(new actions.SnsAction(this.alarmTopic));
      this.alarms.push(created);
      return created;
    };
    const atLeastOne = {
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };

    /** The oldest message is this close to SQS deleting it (exact for the quarantine and FIFO dead letters; see expiryWarning). */
    const expiring = (queue: sqs.IQueue) => ({
      metric: queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(15), statistic: 'Maximum' }),
      threshold: ageAlarmSeconds,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const daysLeft = `${expiryWarning.toDays()} days before SQS deletes it`;

    for (const pair of forwarder.queuePairs) {
      const prefix = pair.id === 'Alert' ? '' : pair.id;
      if (pair.deadLetterQueue) {
        alarm(`${prefix}DeadLetterQueueNotEmpty`, `Alerts a consumer failed to process are waiting on the ${pair.id} dead-letter queue`, {
          metric: notEmpty(pair.deadLetterQueue),
          ...atLeastOne,
        });
        alarm(
          `${prefix}DeadLetterQueueExpiring`,
          `An alert on the ${pair.id} dead-letter queue is ${daysLeft}: redrive it or save it now`,
          expiring(pair.deadLetterQueue),
        );
      }
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
    alarm(
      'QuarantineExpiring',
      `A quarantined payload is ${daysLeft}: fix the schema and redrive, or save it now`,
      expiring(forwarder.quarantineQueue),
    );
    const persistent = (metricName: string) => ({
      metric: metric(metricName).with({ period: PERSISTENT.period }),
      threshold: 1,
      evaluationPeriods: PERSISTENT.evaluationPeriods,
      datapointsToAlarm: PERSISTENT.datapointsToAlarm,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const { api, receiver } = forwarder;
    if (api && receiver) {
      // Panther drops a delivery after its last refused retry. Counted by the receiver itself, so only
      // POST /alerts from allowed addresses counts: other paths and resource-policy denials never do.
      alarm(
        'DeliveriesUnauthorized',
        'POST /alerts was refused 401/403 (missing or wrong secret header) in 2 of the last 4 quarter hours: if Panther sends them, its Custom Webhook header is wrong and it will drop those alerts after its retries',
        persistent(OUTCOME_METRICS.unauthorized.name),
      );
      alarm(
        'DeliveriesRefused',
        'The receiver refused authenticated deliveries 400/413 (too large, empty, or not an alert in reject mode) in 2 of the last 4 quarter hours: Panther retries, then drops them',
        persistent(OUTCOME_METRICS.refused.name),
      );
      alarm(
        'SecretStale',
        `The webhook secret could not be refreshed in 2 of the last 4 quarter hours: the cached secret serves for ${forwarder.maxSecretStaleness.toHumanString()} past its refresh, then every delivery gets 503`,
        persistent(SECRET_STALE_METRIC),
      );
      alarm('ReceiverErrors', 'The receiver failed requests (Lambda errors or 5xx answers): Panther is retrying', {
        metric: new cloudwatch.MathExpression({
          expression: 'errors + server',
          usingMetrics: {
            errors: receiver.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
            server: api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
          },
          label: 'Receiver errors + API 5xx',
        }),
        ...atLeastOne,
      });
    }
    for (const processor of forwarder.processors) {
      // A failed send or write is a failed record (retried by SQS), not an error: errors mean the processor itself broke.
      alarm(
        `${processor.id}ProcessorErrors`,
        `The ${processor.id.toLowerCase()} processor failed (Lambda errors): its queue keeps the alerts, SQS retries them`,
        {
          metric: processor.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
          ...atLeastOne,
        },
      );
    }
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

    // Event bus (alert-bus-monitoring.ts)
    for (const [id, description, options] of forwarder.bus ? busAlarms(forwarder.bus) : []) alarm(id, description, options);

    const queues = [...forwarder.queuePairs.flatMap((pair) => [pair.queue, pair.deadLetterQueue ?? []]).flat(), forwarder.quarantineQueue];
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
        doorWidgets(forwarder),
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
        ...(forwarder.bus ? [busWidgets(forwarder.bus)] : []), // event bus
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 })],
      ],
    });
  }
}

/** The alarms' own topic, TLS-only. */
function ownAlarmTopic(scope: Construct): sns.Topic {
  const topic = new sns.Topic(scope, 'AlarmTopic', { displayName: 'Panther alert forwarder alarms', enforceSSL: true });
  Validations.of(topic).acknowledge({
    id: 'AwsSolutions-SNS2',
    reason:
      'Alarm notifications carry no alert data, and CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key; give alarmTopicArn for a topic with your own key.',
  });
  return topic;
}

/** One row: the webhook's API and receiver, and every processor (inbox, archive). */
function doorWidgets({ api, receiver, processors }: PantherAlertForwarder): cloudwatch.IWidget[] {
  const fn = (title: string, f: lambda.IFunction) =>
    new cloudwatch.GraphWidget({
      title,
      left: [f.metricInvocations(), f.metricErrors(), f.metricThrottles()],
      right: [f.metricDuration({ statistic: 'p99' })],
      width: 8,
    });
  return [
    ...(api && receiver
      ? [
          new cloudwatch.GraphWidget({
            title: 'API: requests and errors',
            left: [api.metricCount(), api.metricClientError(), api.metricServerError()],
            right: [api.metricLatency({ statistic: 'p99' })],
            width: 8,
          }),
          fn('Receiver', receiver),
        ]
      : []),
    ...processors.map((processor) => fn(`${processor.id} processor`, processor.function)),
  ];
}
