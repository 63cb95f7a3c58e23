/**
 * What `cdk synth` builds: the stack, configured from CDK context, with cdk-nag's AwsSolutions
 * checks on every synth (a finding without an acknowledgement fails it). Context (`-c name=value`):
 *   allowedSourceIps  comma-separated IPs/CIDRs (Panther's Gateway Public IP), enforced by the API
 *   invalidPayloads   quarantine (default) or reject
 *   alarmTopicArn     an SNS topic for the alarms
 *   noAlertHours      alarm when no alert arrived for this many hours
 *   fifo              true: FIFO queues, a Panther retry of one delivery is dropped
 *   routes            JSON: [{"name":"paging","severities":["HIGH","CRITICAL"]}]
 *   consumerAccountIds, consumerRoleArns  comma-separated: who else may consume the queues
 *   exampleConsumer   true: deploy the example consumer on the alert queue
 */
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { invalidPayloadMode } from '../functions/core/settings';
import type { AlertRouteProps } from './panther-alert-forwarder';
import { PantherAlertForwarderStack } from './panther-alert-forwarder-stack';

export function buildForwarderApp(app: App): PantherAlertForwarderStack {
  const context = (name: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(name);
    return value === undefined || value === '' ? undefined : String(value);
  };
  const invalidPayloads = invalidPayloadMode(context('invalidPayloads'), 'context invalidPayloads');
  const list = (name: string) => context(name)?.split(',').map((item) => item.trim()).filter(Boolean);
  const stack = new PantherAlertForwarderStack(app, 'PantherAlertForwarder', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    alarmTopicArn: context('alarmTopicArn'),
    noAlertHours: context('noAlertHours') === undefined ? undefined : Number(context('noAlertHours')),
    forwarder: {
      allowedSourceIps: list('allowedSourceIps'),
      invalidPayloads,
      fifo: context('fifo') === 'true',
      routes: context('routes') === undefined ? undefined : (JSON.parse(context('routes')!) as AlertRouteProps[]),
      consumerAccountIds: list('consumerAccountIds'),
      consumerRoleArns: list('consumerRoleArns'),
      exampleConsumer: context('exampleConsumer') === 'true',
    },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
