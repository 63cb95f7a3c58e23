/**
 * aws-cdk-lib checks every template it synthesizes against CloudFormation's resource schemas, and
 * cdk.json's `@aws-cdk/core:validateAgainstDefaultRules` makes a finding fail `cdk synth`. The other
 * suites synthesize with that check off (test/support/setup-env.ts, for speed); here it is on, as a
 * user's `cdk synth` runs it, over templates that between them use every context key: the defaults,
 * the optional parts, the other choices (FIFO, an existing bus and topic, a custom domain, a web ACL…),
 * the inbox as the only door, and a deployment with an account and region (partition literals).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, CfnResource } from 'aws-cdk-lib';
import { buildForwarderApp } from '../../lib/forwarder-app';
import { CDK_JSON_CONTEXT, withCdkValidation } from '../support/cdk-validation';
import { withEnv } from '../support/with-env';
import { EVERY_OPTION } from './fixtures/every-option';

const cdkJsonContext = CDK_JSON_CONTEXT;

/** What validation-report.json holds: a report per plugin that found something. */
interface ValidationReport {
  pluginReports: Array<{ summary: { pluginName: string }; violations: unknown[] }>;
}

/** Synthesizes the app under cdk.json's context with the validation on; returns its report. */
function validated(options: Readonly<Record<string, string>>, addToStack?: (stack: ReturnType<typeof buildForwarderApp>) => void) {
  return withCdkValidation(() => {
    const app = new App({ context: { ...cdkJsonContext, ...options } });
    const stack = buildForwarderApp(app);
    addToStack?.(stack);
    const assembly = app.synth();
    const reportFile = join(assembly.directory, 'validation-report.json');
    expect(existsSync(reportFile)).toBe(true);
    return JSON.parse(readFileSync(reportFile, 'utf8')) as ValidationReport;
  });
}

/** The choices EVERY_OPTION leaves at their defaults, or makes the other way. */
const OTHER_CHOICES: Readonly<Record<string, string>> = {
  routes: '[{"name":"paging","severities":["HIGH"],"types":["RULE"]}]',
  fifo: 'true',
  invalidPayloads: 'reject',
  allowedSourceIps: '203.0.113.7,198.51.100.0/24',
  alarmTopicArn: 'arn:aws:sns:eu-west-1:111111111111:soc-alarms',
  noAlertHours: '12',
  consumerRoleArns: 'arn:aws:iam::333333333333:role/reader',
  apiGatewayCloudWatchRole: 'true',
  domainName: 'alerts.example.com',
  certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
  webAclArn: 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/panther/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
  archiveDays: '90',
  archiveScanCutoffBytes: '1073741824',
  eventBusArn: 'arn:aws:events:eu-west-1:111111111111:event-bus/alerts',
};
const INBOX_ONLY: Readonly<Record<string, string>> = {
  webhook: 'false',
  pantherAccountId: '123456789012',
  inboxMaxConcurrency: '20',
  archive: 'false',
  alarmEmail: 'soc@example.com',
};

/** CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION as `cdk synth` sets them from a profile. */
const IN_ACCOUNT = { CDK_DEFAULT_ACCOUNT: '111111111111', CDK_DEFAULT_REGION: 'eu-west-1' };

/** The templates checked: between them, every context key. */
const TEMPLATES: ReadonlyArray<readonly [name: string, options: Readonly<Record<string, string>>]> = [
  ['the defaults', { alarmEmail: 'soc@example.com' }],
  ['every optional part', EVERY_OPTION],
  ['the other choices', OTHER_CHOICES],
  ['the inbox as the only door', INBOX_ONLY],
];

const findings = (report: ValidationReport) => report.pluginReports.flatMap((r) => r.violations);

describe("aws-cdk-lib's CloudFormation validation, as `cdk synth` runs it", () => {
  it.each(TEMPLATES)('passes %s with no finding', (_name, options) => {
    expect(findings(validated(options))).toEqual([]);
  });

  it('between those templates, sets every context key the app reads (a new key fails here until it is added)', () => {
    const app = new App();
    const read = jest.spyOn(app.node, 'tryGetContext');
    buildForwarderApp(app);
    // Ours only: aws-cdk-lib reads its flags and settings (@aws-cdk/…, aws:cdk:…) through the same call.
    const keys = new Set(read.mock.calls.map(([key]) => key).filter((key) => !/cdk/i.test(key)));
    expect(keys.size).toBeGreaterThan(20);
    const set = new Set(TEMPLATES.flatMap(([, options]) => Object.keys(options)));
    expect([...keys].filter((key) => !set.has(key))).toEqual([]);
  });

  it('passes every optional part deployed with an account and region (partition literals) with no finding', () => {
    expect(findings(withEnv(IN_ACCOUNT, () => validated(EVERY_OPTION)))).toEqual([]);
  });

  it('fails the synth on a property CloudFormation does not know (the check is live)', () => {
    const printed = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(() =>
        validated({ alarmEmail: 'soc@example.com' }, (stack) => {
          new CfnResource(stack, 'NotAQueue', { type: 'AWS::SQS::Queue', properties: { MaximumMessageSize: 'lots' } });
        }),
      ).toThrow(/MaximumMessageSize: 'lots' is not of type 'integer' \(CloudFormation Validate\)/);
    } finally {
      printed.mockRestore();
    }
  });
});
