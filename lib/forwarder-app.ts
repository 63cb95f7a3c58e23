/**
 * What `cdk synth` builds: the stack, configured from CDK context, with cdk-nag's AwsSolutions
 * checks on every synth (a finding without an acknowledgement fails it). Context (`-c name=value`):
 *   allowedSourceIps  comma-separated IPs/CIDRs (Panther's Gateway Public IP), enforced by the API
 *   invalidPayloads   quarantine (default) or reject
 *   alarmTopicArn     an SNS topic for the alarms (default: the stack's own, output AlarmTopicArn)
 *   alarmEmail        comma-separated email addresses subscribed to the alarm topic
 *   noAlertHours      alarm when no alert arrived for this many hours
 *   fifo              true: FIFO queues, ordered per detection, de-duplicated within SQS's 5 minutes
 *   routes            JSON: [{"name":"paging","severities":["HIGH","CRITICAL"]}]
 *   consumerAccountIds, consumerRoleArns  comma-separated: who else may consume the queues
 *   exampleConsumer   true: deploy the example consumer on the alert queue
 *   apiGatewayCloudWatchRole  true: set API Gateway's account-wide CloudWatch role, log execution errors
 *   pantherAccountId  comma-separated: Panther's AWS account(s); adds the inbox for Panther's SQS destination
 *   webhook           false: no API Gateway, no secret, no receiver (the inbox is then the only door)
 *   domainName, certificateArn  a custom domain (regional, its ACM certificate) for the webhook URL
 *   webAclArn         a regional WAFv2 web ACL associated with the API stage
 *   archive           false: no S3 archive (on by default)
 *   archiveDays       how many days the archive keeps an alert (default 365)
 *   archiveLock       true: S3 Object Lock (compliance) on the archive for archiveDays
 *   eventBus          true: an EventBridge bus of the stack's own gets every alert (docs/subscribe.md)
 *   eventBusArn       an existing bus that gets every alert instead
 */
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { invalidPayloadMode } from '../functions/core/settings';
import { checkEmails } from './forwarder-props';
import type { AlertRouteProps } from './panther-alert-forwarder';
import { PantherAlertForwarderStack } from './panther-alert-forwarder-stack';

export function buildForwarderApp(app: App): PantherAlertForwarderStack {
  const context = contextReader(app);
  const stack = new PantherAlertForwarderStack(app, 'PantherAlertForwarder', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    alarmTopicArn: context.string('alarmTopicArn'),
    alarmEmails: checkEmails(context.list('alarmEmail') ?? [], 'context alarmEmail'),
    noAlertHours: context.number('noAlertHours'),
    forwarder: {
      allowedSourceIps: context.list('allowedSourceIps'),
      // Checked here to name the context key; unset stays unset (the webhook's default, or no webhook).
      invalidPayloads: mapDefined(context.string('invalidPayloads'), (mode) => invalidPayloadMode(mode, 'context invalidPayloads')),
      fifo: context.boolean('fifo'),
      // Checked (names, filters, severities, types) by the construct, with the route and field named.
      routes: context.json('routes') as AlertRouteProps[] | undefined,
      consumerAccountIds: context.list('consumerAccountIds'),
      consumerRoleArns: context.list('consumerRoleArns'),
      exampleConsumer: context.boolean('exampleConsumer'),
      apiGatewayCloudWatchRole: context.boolean('apiGatewayCloudWatchRole'),
      pantherAccountIds: context.list('pantherAccountId'),
      webhook: context.boolean('webhook'),
      domainName: context.string('domainName'),
      certificateArn: context.string('certificateArn'),
      webAclArn: context.string('webAclArn'),
      archive: context.boolean('archive'),
      archiveDays: context.number('archiveDays'),
      archiveLock: context.boolean('archiveLock'),
      eventBus: context.boolean('eventBus'), // event bus
      eventBusArn: context.string('eventBusArn'), // event bus
    },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}

function mapDefined<T, R>(value: T | undefined, map: (value: T) => R): R | undefined {
  return value === undefined ? undefined : map(value);
}

/**
 * CDK context, parsed strictly: `-c fifo=1` is an error, never a silent false. Values come as
 * strings from `-c` and as JSON values from cdk.json; both are accepted.
 */
export function contextReader(app: App) {
  const raw = (name: string): unknown => {
    const value: unknown = app.node.tryGetContext(name);
    return value === '' ? undefined : value;
  };
  const fail = (name: string, expected: string, value: unknown): never => {
    throw new Error(`context ${name} must be ${expected}, got ${JSON.stringify(value)}`);
  };
  return {
    string: (name: string) => {
      const value = raw(name);
      return value === undefined ? undefined : typeof value === 'string' ? value : fail(name, 'a string', value);
    },
    boolean: (name: string) => {
      const value = raw(name);
      if (value === undefined || typeof value === 'boolean') return value;
      return value === 'true' ? true : value === 'false' ? false : fail(name, 'true or false', value);
    },
    number: (name: string) => {
      const value = raw(name);
      if (value === undefined || typeof value === 'number') return value;
      return typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : fail(name, 'a number', value);
    },
    list: (name: string) => {
      const value = raw(name);
      if (value === undefined) return undefined;
      if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
      if (typeof value !== 'string') return fail(name, 'a comma-separated list', value);
      return value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
    },
    json: (name: string) => {
      const value = raw(name);
      if (typeof value !== 'string') return value;
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return fail(name, 'JSON', value);
      }
    },
  };
}
