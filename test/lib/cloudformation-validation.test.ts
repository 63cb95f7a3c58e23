/**
 * aws-cdk-lib checks every template it synthesizes against CloudFormation's resource schemas, and
 * cdk.json's `@aws-cdk/core:validateAgainstDefaultRules` makes a finding fail `cdk synth`. The other
 * suites synthesize with that check off (test/support/setup-env.ts, for speed); here it is on, as a
 * user's `cdk synth` runs it, over every kind of template the stack makes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, CfnResource } from 'aws-cdk-lib';
import { buildForwarderApp } from '../../lib/forwarder-app';
import { withCdkValidation } from '../support/cdk-validation';
import { EVERY_OPTION } from './fixtures/every-option';

const cdkJsonContext = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> })
  .context;

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

describe("aws-cdk-lib's CloudFormation validation, as `cdk synth` runs it", () => {
  it.each([
    ['the defaults', { alarmEmail: 'soc@example.com' }],
    ['every optional part', EVERY_OPTION],
  ])('passes %s with no finding', (_name, options) => {
    expect(validated(options).pluginReports.flatMap((r) => r.violations)).toEqual([]);
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
