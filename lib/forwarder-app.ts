/**
 * What `cdk synth` builds: the stack, configured from CDK context, with cdk-nag's AwsSolutions
 * checks on every synth (a finding without an acknowledgement fails it). Context (`-c name=value`):
 *   allowedSourceIps  comma-separated IPs/CIDRs (Panther's Gateway Public IP), enforced by the API
 *   invalidPayloads   quarantine (default) or reject
 *   alarmTopicArn     an SNS topic for the alarms
 *   noAlertHours      alarm when no alert arrived for this many hours
 */
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PantherAlertForwarderStack } from './panther-alert-forwarder-stack';

export function buildForwarderApp(app: App): PantherAlertForwarderStack {
  const context = (name: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(name);
    return value === undefined || value === '' ? undefined : String(value);
  };
  const invalidPayloads = context('invalidPayloads') ?? 'quarantine';
  if (invalidPayloads !== 'quarantine' && invalidPayloads !== 'reject') {
    throw new Error(`context invalidPayloads must be quarantine or reject, got ${JSON.stringify(invalidPayloads)}`);
  }
  const stack = new PantherAlertForwarderStack(app, 'PantherAlertForwarder', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    alarmTopicArn: context('alarmTopicArn'),
    noAlertHours: context('noAlertHours') === undefined ? undefined : Number(context('noAlertHours')),
    forwarder: {
      allowedSourceIps: context('allowedSourceIps')?.split(',').map((ip) => ip.trim()).filter(Boolean),
      invalidPayloads,
    },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
