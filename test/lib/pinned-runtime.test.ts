/**
 * The functions stay on the runtime their bundles are built and tested for when the app's aws-cdk-lib
 * knows a newer Node.js (a newer aws-cdk-lib in the peer range did: cdk-nag's AwsSolutions-L1 failed
 * the README's app). The acknowledgement is ours alone: the rule still checks the user's functions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LAMBDA_RUNTIME } from '../../lib/bundled-function';
import { ForwarderMonitoring, PantherAlertForwarder } from '../../lib';

// What a newer aws-cdk-lib does to cdk-nag's view: one more Node.js runtime in lambda.Runtime.ALL
// (the constructor registers it), newer than the one the bundles target.
const newerThanOurs = `nodejs${Number(/\d+/.exec(LAMBDA_RUNTIME.name)![0]) + 2}.x`;
new lambda.Runtime(newerThanOurs, lambda.RuntimeFamily.NODEJS);

/** The README's app, under AwsSolutions, with `extra` added to its stack. */
function readmeApp(extra: (stack: Stack) => void = () => undefined): { app: App; stack: Stack } {
  const app = new App();
  const stack = new Stack(app, 'Alerts');
  const forwarder = new PantherAlertForwarder(stack, 'Forwarder', { routes: [{ name: 'paging', severities: ['HIGH', 'CRITICAL'] }] });
  new ForwarderMonitoring(stack, 'Monitoring', { forwarder, noAlertHours: 6 });
  extra(stack);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

describe('the pinned runtime under a CDK that knows a newer Node.js', () => {
  it('cdk-nag knows the newer runtime as the latest, so L1 would flag ours', () => {
    const newest = lambda.Runtime.ALL.filter((runtime) => runtime.family === lambda.RuntimeFamily.NODEJS).map((runtime) => runtime.name);
    expect(newest).toContain(newerThanOurs);
    expect(LAMBDA_RUNTIME.name).not.toBe(newerThanOurs);
  });

  it('synthesizes the README app cdk-nag clean, every function on Node.js 24 arm64', () => {
    const { app, stack } = readmeApp();
    expect(() => app.synth()).not.toThrow();
    const functions = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
  });

  it("still flags the user's own function on our runtime: the acknowledgement is on ours only", () => {
    const { app } = readmeApp((stack) => {
      new lambda.Function(stack, 'Mine', {
        runtime: LAMBDA_RUNTIME,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {};'),
      });
    });
    expect(() => app.synth()).toThrow();
    const report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ violations: Array<{ ruleName: string; violatingConstructs: Array<{ constructPath: string }> }> }>;
    };
    const flaggedByL1 = report.pluginReports
      .flatMap((plugin) => plugin.violations)
      .filter((violation) => violation.ruleName === 'AwsSolutions-L1')
      .flatMap((violation) => violation.violatingConstructs.map((construct) => construct.constructPath));
    expect(flaggedByL1).toEqual(['Alerts/Mine/Resource']);
  });
});
