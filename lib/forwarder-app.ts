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
 *   archiveScanCutoffBytes  the most one Athena query over the archive may scan (default 10 GiB)
 *   inboxMaxConcurrency  how many inbox processors may run at once (2-1000, default 5)
 *   eventBus          true: an EventBridge bus of the stack's own gets every alert (docs/subscribe.md)
 *   eventBusArn       an existing bus that gets every alert instead
 * Every problem of the context fails the synth at once, in one error; a key that is none of these
 * (nor CDK's own) is refused with the nearest known one.
 */
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { collectForwarderProblems } from './forwarder-checks';
import { collectMonitoringProblems } from './forwarder-monitoring';
import type { AlertRouteProps } from './forwarder-props';
import { PantherAlertForwarderStack, type PantherAlertForwarderStackProps } from './panther-alert-forwarder-stack';
import { nearest, Problems } from './problems';

/** Props whose context key is spelled otherwise (one value per `-c`, comma-separated). */
const CONTEXT_KEY_OF: Record<string, string> = { alarmEmails: 'alarmEmail', pantherAccountIds: 'pantherAccountId' };
export const contextKeyOf = (prop: string): string => CONTEXT_KEY_OF[prop] ?? prop;

/** What prefixes the problems of the context in the error. */
export const CONTEXT_PROBLEMS = 'cdk context';

export function buildForwarderApp(app: App): PantherAlertForwarderStack {
  const problems = new Problems();
  const context = contextReader(app, problems);
  const props: PantherAlertForwarderStackProps = {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    alarmTopicArn: context.string('alarmTopicArn'),
    alarmEmails: context.list('alarmEmail'),
    noAlertHours: context.number('noAlertHours'),
    forwarder: {
      allowedSourceIps: context.list('allowedSourceIps'),
      invalidPayloads: context.string('invalidPayloads') as 'quarantine' | 'reject' | undefined,
      fifo: context.boolean('fifo'),
      // Checked (names, filters, severities, types) with the props, with the route and field named.
      routes: context.json('routes') as AlertRouteProps[] | undefined,
      consumerAccountIds: context.list('consumerAccountIds'),
      consumerRoleArns: context.list('consumerRoleArns'),
      exampleConsumer: context.boolean('exampleConsumer'),
      apiGatewayCloudWatchRole: context.boolean('apiGatewayCloudWatchRole'),
      pantherAccountIds: context.list('pantherAccountId'),
      inboxMaxConcurrency: context.number('inboxMaxConcurrency'),
      webhook: context.boolean('webhook'),
      domainName: context.string('domainName'),
      certificateArn: context.string('certificateArn'),
      webAclArn: context.string('webAclArn'),
      archive: context.boolean('archive'),
      archiveDays: context.number('archiveDays'),
      archiveLock: context.boolean('archiveLock'),
      archiveScanCutoffBytes: context.number('archiveScanCutoffBytes'),
      eventBus: context.boolean('eventBus'),
      eventBusArn: context.string('eventBusArn'),
    },
  };
  context.refuseUnknownKeys();
  collectMonitoringProblems(props, problems, contextKeyOf);
  collectForwarderProblems(props.forwarder ?? {}, problems, contextKeyOf);
  problems.throwIfAny(CONTEXT_PROBLEMS);
  const stack = new PantherAlertForwarderStack(app, 'PantherAlertForwarder', props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}

/** CDK's own context: feature flags, the CLI's settings, cached lookups. Never a key of ours. */
function isCdkContextKey(key: string): boolean {
  return (
    /^(@aws-cdk[/-]|aws-cdk:|aws:cdk:|cdk-)/.test(key) ||
    ['cli-telemetry', 'acknowledged-issue-numbers'].includes(key) ||
    /:account=/.test(key)
  );
}

/**
 * CDK context, parsed strictly: `-c fifo=1` is a problem, never a silent false. Values come as
 * strings from `-c` and as JSON values from cdk.json; both are accepted. Every key read is a known
 * one; `refuseUnknownKeys` reports the others.
 */
export function contextReader(app: App, problems: Problems) {
  const known = new Set<string>();
  const raw = (name: string): unknown => {
    known.add(name);
    const value: unknown = app.node.tryGetContext(name);
    return value === '' ? undefined : value;
  };
  const fail = (name: string, expected: string, value: unknown): undefined => {
    problems.add(name, `must be ${expected}, got ${JSON.stringify(value)}`);
    return undefined;
  };
  return {
    string: (name: string): string | undefined => {
      const value = raw(name);
      return value === undefined ? undefined : typeof value === 'string' ? value : fail(name, 'a string', value);
    },
    boolean: (name: string): boolean | undefined => {
      const value = raw(name);
      if (value === undefined || typeof value === 'boolean') return value;
      return value === 'true' ? true : value === 'false' ? false : fail(name, 'true or false', value);
    },
    number: (name: string): number | undefined => {
      const value = raw(name);
      if (value === undefined || typeof value === 'number') return value;
      return typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : fail(name, 'a number', value);
    },
    list: (name: string): string[] | undefined => {
      const value = raw(name);
      if (value === undefined) return undefined;
      if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
      if (typeof value !== 'string') return fail(name, 'a comma-separated list', value);
      return value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
    },
    json: (name: string): unknown => {
      const value = raw(name);
      if (typeof value !== 'string') return value;
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return fail(name, 'JSON', value);
      }
    },
    /** Every context key that is neither read above nor CDK's own, with the nearest known key. */
    refuseUnknownKeys: (): void => {
      for (const key of Object.keys(app.node.getAllContext())) {
        if (known.has(key) || isCdkContextKey(key)) continue;
        const near = nearest(key, [...known]);
        problems.add(`unknown context key ${key}:`, near ? `did you mean ${near}?` : `the known keys are ${[...known].join(', ')}`);
      }
    },
  };
}
