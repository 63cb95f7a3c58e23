import { Annotations, Duration, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { FORWARDER_SETTINGS as SETTINGS } from '../functions/core/settings';
import { busSegment } from './alert-bus-monitoring';
import { checkEmails } from './formats';
import { MonitoringKit } from './monitoring-kit';
import { flowSegment, processorSegment, queueSegment, webhookSegment } from './monitoring-segments';
import type { PantherAlertForwarder } from './panther-alert-forwarder';
import { Problems } from './problems';

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

/**
 * Alarms on what must not happen silently, and one dashboard showing the flow at a glance. Every
 * alarm notifies a topic (alarm and recovery), this construct's own unless one is given. Every
 * queue/dead-letter pair the forwarder has (routes included) is watched by construction, and every
 * metric is this forwarder's own (its Forwarder dimension, its uniquely named API). Each concern is a
 * segment of lib/monitoring-segments.ts.
 */
export class ForwarderMonitoring extends Construct {
  /** Every alarm this construct created. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  public readonly dashboard: cloudwatch.Dashboard;
  /** Where every alarm notifies: the given topic, or this construct's own. */
  public readonly alarmTopic: sns.ITopic;

  constructor(scope: Construct, id: string, props: ForwarderMonitoringProps) {
    super(scope, id);
    const problems = new Problems();
    collectMonitoringProblems(props, problems);
    problems.throwIfAny('ForwarderMonitoring');
    const { forwarder } = props;
    const emails = props.alarmEmails ?? [];
    this.alarmTopic = props.alarmTopic ?? ownAlarmTopic(this);
    for (const email of emails) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(email));
    if (props.alarmTopic === undefined && emails.length === 0) {
      Annotations.of(this).addWarningV2(
        'panther-alert-forwarder:alarms-notify-nobody',
        'Nobody will be told when an alarm fires: give alarmEmail (-c alarmEmail=you@example.com) or alarmTopicArn, or subscribe to the AlarmTopicArn output.',
      );
    }
    const kit = new MonitoringKit(this, this.alarmTopic, forwarder.metricsScope);
    const queues = queueSegment(kit, forwarder, props.expiryWarning ?? DEFAULT_EXPIRY_WARNING, props.maxAlertAge ?? Duration.hours(1));
    const webhook = webhookSegment(kit, forwarder);
    const processors = processorSegment(kit, forwarder);
    const flow = flowSegment(kit, props.noAlertHours);
    const bus = busSegment(kit, forwarder.bus);
    this.alarms.push(...[queues, webhook, processors, flow, bus].flatMap((segment) => segment.alarms));
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      widgets: [
        [...flow.widgets],
        [...webhook.widgets, ...processors.widgets],
        [...queues.widgets],
        ...(bus.widgets.length > 0 ? [[...bus.widgets]] : []),
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 })],
      ],
    });
  }
}

const DEFAULT_EXPIRY_WARNING = Duration.days(4);

/** Every problem of the props (`key` names a prop as the user typed it: `alarmEmail` in context). */
export function collectMonitoringProblems(
  props: Omit<ForwarderMonitoringProps, 'forwarder'>,
  problems: Problems,
  key: (prop: string) => string = (prop) => prop,
): void {
  checkEmails(props.alarmEmails ?? [], key('alarmEmails'), problems);
  const expiryWarning = props.expiryWarning ?? DEFAULT_EXPIRY_WARNING;
  if (expiryWarning.toSeconds() >= Duration.days(SETTINGS.retentionDays).toSeconds())
    problems.add(key('expiryWarning'), `must be under ${SETTINGS.retentionDays} days`);
  const hours = props.noAlertHours;
  if (hours !== undefined && !Token.isUnresolved(hours) && (!Number.isInteger(hours) || hours < 1 || hours > 24))
    problems.add(key('noAlertHours'), `must be a whole number of hours from 1 to 24, got ${hours}`);
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
