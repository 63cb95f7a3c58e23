import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PantherAlertForwarder, type PantherAlertForwarderProps } from './panther-alert-forwarder';

export interface PantherAlertForwarderStackProps extends StackProps {
  /** Passed through to the forwarder construct. */
  readonly forwarder?: PantherAlertForwarderProps;
}

/** The deployable unit: one forwarder, and the outputs a person needs to wire Panther and consumers. */
export class PantherAlertForwarderStack extends Stack {
  public readonly forwarder: PantherAlertForwarder;

  constructor(scope: Construct, id: string, props: PantherAlertForwarderStackProps = {}) {
    super(scope, id, {
      description: 'Receives Panther Custom Webhook alerts and queues them on SQS',
      ...props,
    });
    this.forwarder = new PantherAlertForwarder(this, 'Forwarder', props.forwarder);
    const { webhookUrl, alertQueue, deadLetterQueue } = this.forwarder;

    new CfnOutput(this, 'WebhookUrl', {
      description: "Paste into Panther: Configure > Alert Destinations > Custom Webhook > 'Custom Webhook URL'",
      value: webhookUrl,
    });
    new CfnOutput(this, 'AlertQueueUrl', { description: 'Consumers read alerts here', value: alertQueue.queueUrl });
    new CfnOutput(this, 'AlertQueueArn', { description: 'For consumer IAM policies', value: alertQueue.queueArn });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      description: 'Alerts consumers failed to process',
      value: deadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'DeadLetterQueueArn', { value: deadLetterQueue.queueArn });
  }
}
