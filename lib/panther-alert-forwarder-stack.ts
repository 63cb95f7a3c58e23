import { CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { consoleUrl } from './console-url';
import { ForwarderMonitoring } from './forwarder-monitoring';
import { PantherAlertForwarder, type PantherAlertForwarderProps } from './panther-alert-forwarder';

export interface PantherAlertForwarderStackProps extends StackProps {
  /** Passed through to the forwarder construct. */
  readonly forwarder?: PantherAlertForwarderProps;
  /**
   * ARN of an SNS topic the alarms notify.
   * @default a topic of the stack's own (output AlarmTopicArn)
   */
  readonly alarmTopicArn?: string;
  /**
   * Email addresses subscribed to the alarm topic.
   * @default none (synth warns that nobody will be told)
   */
  readonly alarmEmails?: readonly string[];
  /**
   * Alarm when no alert was accepted for this many hours.
   * @default no such alarm
   */
  readonly noAlertHours?: number;
}

/** The deployable unit: one forwarder, and the outputs a person needs to wire Panther and consumers. */
export class PantherAlertForwarderStack extends Stack {
  public readonly forwarder: PantherAlertForwarder;
  public readonly monitoring: ForwarderMonitoring;

  constructor(scope: Construct, id: string, props: PantherAlertForwarderStackProps = {}) {
    super(scope, id, {
      description: 'Receives Panther Custom Webhook alerts and queues them on SQS',
      ...props,
    });
    this.forwarder = new PantherAlertForwarder(this, 'Forwarder', props.forwarder);
    this.monitoring = new ForwarderMonitoring(this, 'Monitoring', {
      forwarder: this.forwarder,
      alarmTopic: props.alarmTopicArn ? sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn) : undefined,
      alarmEmails: props.alarmEmails,
      noAlertHours: props.noAlertHours,
    });
    const { webhook, inbox, alertQueue, deadLetterQueue, quarantineQueue, authHeaderName } = this.forwarder;
    /** A shell command, assembled from literal text and deploy-time values. */
    const command = (id: string, description: string, parts: string[]) =>
      new CfnOutput(this, id, { description, value: Fn.join('', parts) });

    if (webhook) {
      new CfnOutput(this, 'WebhookUrl', {
        description: "Paste into Panther: Configure > Alert Destinations > Custom Webhook > 'Custom Webhook URL'",
        value: webhook.webhookUrl,
      });
      // The value itself never appears in the template or the outputs: this command reads it.
      command('WebhookHeaderCommand', "Prints the 'Name: value' header to add in Panther's Custom Webhook form", [
        `aws secretsmanager get-secret-value --region ${this.region} --secret-id `,
        webhook.secret.secretArn,
        ` --query SecretString --output text | node -e "console.log('${authHeaderName}: '+JSON.parse(require('fs').readFileSync(0,'utf8')).current)"`,
      ]);
      if (webhook.domain) {
        new CfnOutput(this, 'DomainNameTarget', {
          description: 'Create a DNS record (CNAME, or a Route 53 alias with DomainNameHostedZoneId) from your domain name to this',
          value: webhook.domain.domainNameAliasDomainName,
        });
        new CfnOutput(this, 'DomainNameHostedZoneId', { value: webhook.domain.domainNameAliasHostedZoneId });
      }
    }
    if (inbox) {
      new CfnOutput(this, 'InboxQueueUrl', {
        description: "Paste into Panther: Configure > Alert Destinations > Amazon SQS > 'Queue URL'",
        value: inbox.pantherQueueUrl,
      });
      new CfnOutput(this, 'InboxDeadLetterQueueUrl', {
        description: 'Records the inbox processor could not forward',
        value: inbox.deadLetterQueue.queueUrl,
      });
    }
    const { archive } = this.forwarder;
    if (archive) {
      new CfnOutput(this, 'ArchiveS3Uri', {
        description: 'Every accepted alert, byte for byte',
        value: `s3://${archive.bucket.bucketName}/${archive.prefix}`,
      });
      new CfnOutput(this, 'AthenaWorkGroup', {
        description: 'Query the archive with SQL here (saved queries included)',
        value: archive.workGroup,
      });
      new CfnOutput(this, 'ArchiveTable', {
        description: 'The Glue table over the archive',
        value: `${archive.database}.${archive.table}`,
      });
      command('ArchiveReplayCommand', 'Sends the alerts archived in a time window to a queue again', [
        'npx --no panther-forwarder replay --bucket ',
        archive.bucket.bucketName,
        ` --prefix ${archive.prefix} --since <ISO time> --until <ISO time> --to <queue URL>`,
      ]);
    }
    if (this.forwarder.bus)
      new CfnOutput(this, 'EventBusArn', {
        description: 'Rules on this bus get every alert (docs/subscribe.md)',
        value: this.forwarder.bus.eventBus.eventBusArn,
      });
    new CfnOutput(this, 'AlertQueueUrl', { description: 'Consumers read alerts here', value: alertQueue.queueUrl });
    new CfnOutput(this, 'AlertQueueArn', { description: 'For consumer IAM policies', value: alertQueue.queueArn });
    if (deadLetterQueue) {
      new CfnOutput(this, 'DeadLetterQueueUrl', { description: 'Alerts consumers failed to process', value: deadLetterQueue.queueUrl });
      new CfnOutput(this, 'DeadLetterQueueArn', { value: deadLetterQueue.queueArn });
    }
    new CfnOutput(this, 'QuarantineQueueUrl', {
      description: 'Payloads that were not valid alerts; redrive after a schema fix',
      value: quarantineQueue.queueUrl,
    });
    command(
      'QuarantineRedriveCommand',
      'After a schema fix: moves quarantined bodies that are alerts now to the alert queue and the routes they match',
      [
        'npx --no panther-forwarder redrive --from ',
        quarantineQueue.queueUrl,
        ' --to ',
        alertQueue.queueUrl,
        ' --revalidate',
        ...(this.forwarder.routes.length ? [" --routes '", this.forwarder.queues.routesJson(), "'"] : []),
      ],
    );
    for (const route of this.forwarder.routes) {
      new CfnOutput(this, `${route.id}QueueUrl`, { description: `Alerts of route ${route.name}`, value: route.queue.queueUrl });
      new CfnOutput(this, `${route.id}QueueArn`, { value: route.queue.queueArn });
    }
    if (props.forwarder?.encryptionKey) {
      new CfnOutput(this, 'QueueKeyArn', {
        description: 'Consumers need kms:Decrypt on this key',
        value: props.forwarder.encryptionKey.keyArn,
      });
    }
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'Every alarm notifies this topic (alarm and recovery): subscribe your email, pager or chat to it',
      value: this.monitoring.alarmTopic.topicArn,
    });
    new CfnOutput(this, 'DashboardUrl', {
      description: "The forwarder's CloudWatch dashboard, in the console of the stack's partition",
      value: consoleUrl(this, `cloudwatch/home?region=${this.region}#dashboards:name=${this.monitoring.dashboard.dashboardName}`),
    });
  }
}
