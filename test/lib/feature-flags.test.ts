/**
 * cdk.json sets every feature flag the installed aws-cdk-lib recommends, at the recommended value
 * (what `cdk init` writes for that version), so `cdk synth` prints no "feature flags are not
 * configured" notice. The expectation is read from aws-cdk-lib itself, never from cdk.json: bumping
 * aws-cdk-lib without taking its new flags into cdk.json fails here.
 *
 * A flag may change the template, so the app is also synthesized as `cdk synth` runs it, under
 * cdk.json's context: it must keep the stateful logical ids that stateful-logical-ids.test.ts pins
 * for `new App()`, and pass cdk-nag.
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { App } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { buildForwarderApp } from '../../lib/forwarder-app';
import { CDK_JSON_CONTEXT } from '../support/cdk-validation';
import { withEnv } from '../support/with-env';

const recommended: Readonly<Record<string, unknown>> = CURRENTLY_RECOMMENDED_FLAGS;
const cdkJsonContext = CDK_JSON_CONTEXT;

/** Each recommended flag that the context leaves out or sets to another value, with both values. */
function flagMismatches(context: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(recommended)
    .filter(([flag, value]) => !isDeepStrictEqual(context[flag], value))
    .map(([flag, value]) => `${flag}: recommended ${JSON.stringify(value)}, cdk.json has ${JSON.stringify(context[flag]) ?? 'nothing'}`);
}

describe('cdk.json feature flags', () => {
  it('reads a recommendation from aws-cdk-lib: the list cdk init writes from, non-empty', () => {
    const shipped = JSON.parse(readFileSync(require.resolve('aws-cdk-lib/recommended-feature-flags.json'), 'utf8')) as unknown;
    expect(shipped).toStrictEqual(recommended);
    expect(Object.keys(recommended).length).toBeGreaterThan(0);
  });

  it('sets every recommended flag to its recommended value', () => {
    expect(flagMismatches(cdkJsonContext)).toEqual([]);
  });

  it('would fail on a missing flag or a different value (the check is live)', () => {
    const [flag, value] = Object.entries(recommended).find(([, v]) => typeof v === 'boolean')!;
    const { [flag]: _left, ...missing } = cdkJsonContext;
    expect(flagMismatches(missing)).toEqual([`${flag}: recommended ${value}, cdk.json has nothing`]);
    expect(flagMismatches({ ...cdkJsonContext, [flag]: !value })).toEqual([`${flag}: recommended ${value}, cdk.json has ${!value}`]);
    expect(flagMismatches({ ...cdkJsonContext, '@aws-cdk/core:target-partitions': ['aws'] })).toHaveLength(1);
  });

  it('keeps the entries that are not aws-cdk-lib flags', () => {
    expect(cdkJsonContext['cli-telemetry']).toBe(false);
  });
});

/** Resources whose logical id is their identity: a new id is a new, empty resource. */
const STATEFUL = ['AWS::SQS::Queue', 'AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup', 'AWS::S3::Bucket', 'AWS::KMS::Key'];
const ROUTES = JSON.stringify([{ name: 'paging', severities: ['HIGH'] }]);
/** Someone to tell about alarms, so that synth prints no "nobody will be told" warning here. */
const QUIET = { alarmEmail: 'ops@example.com' };

/** The app as `cdk synth` builds it, with cdk.json's context (or none) plus the given options. */
function synthesized(flags: Readonly<Record<string, unknown>>, options: Readonly<Record<string, string>> = {}) {
  const app = new App({ context: { ...flags, ...QUIET, ...options } });
  const stack = buildForwarderApp(app);
  const template = app.synth().getStackByName(stack.stackName).template as { Resources: Record<string, { Type: string }> };
  return { template };
}

function statefulIds(template: { Resources: Record<string, { Type: string }> }): Record<string, string[]> {
  return Object.fromEntries(
    STATEFUL.map((type) => [
      type,
      Object.entries(template.Resources)
        .filter(([, resource]) => resource.Type === type)
        .map(([id]) => id)
        .sort(),
    ]),
  );
}

describe('the app under cdk.json context', () => {
  it('keeps the pinned stateful logical ids and passes cdk-nag (synth throws on a finding)', () => {
    const ids = statefulIds(synthesized(cdkJsonContext, { routes: ROUTES }).template);
    expect(ids['AWS::SQS::Queue']).toEqual([
      'ForwarderQueuesAlertQueue4ED83737',
      'ForwarderQueuesDeadLetterQueue850D7D98',
      'ForwarderQueuesQuarantineQueue54ECC3D9',
      'ForwarderQueuesRoutePagingDeadLetterQueueC7FF1D66',
      'ForwarderQueuesRoutePagingQueue7E50F99F',
    ]);
    expect(ids['AWS::SecretsManager::Secret']).toEqual(['ForwarderWebhookWebhookSecret53335841']);
    expect(ids['AWS::Logs::LogGroup']).toEqual(
      expect.arrayContaining(['ForwarderWebhookApiAccessLogs1725555C', 'ForwarderWebhookReceiverLogsD1B5EDCA']),
    );
  });

  it.each([
    ['the defaults', {}],
    [
      'routes, FIFO, the example consumer, the account role, consumers',
      {
        routes: ROUTES,
        fifo: 'true',
        exampleConsumer: 'true',
        apiGatewayCloudWatchRole: 'true',
        alarmEmail: 'ops@example.com',
        consumerAccountIds: '222222222222',
        consumerRoleArns: 'arn:aws:iam::333333333333:role/reader',
      },
    ],
  ])('gives every stateful resource the id it has without the flags: %s', (_name, options) => {
    expect(statefulIds(synthesized(cdkJsonContext, options).template)).toEqual(statefulIds(synthesized({}, options).template));
  });

  it('gives every stateful resource the same id when deploying with an account and region (partition literals)', () => {
    withEnv({ CDK_DEFAULT_ACCOUNT: '111111111111', CDK_DEFAULT_REGION: 'eu-west-1' }, () => {
      const options = { routes: ROUTES, consumerAccountIds: '222222222222' };
      expect(statefulIds(synthesized(cdkJsonContext, options).template)).toEqual(statefulIds(synthesized({}, options).template));
    });
  });

  it('still fails the synth on a cdk-nag finding nobody acknowledged', () => {
    const app = new App({ context: { ...cdkJsonContext, ...QUIET } });
    new sqs.Queue(buildForwarderApp(app), 'Unacknowledged', { enforceSSL: false });
    const printed = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      let failure = '';
      try {
        app.synth();
      } catch (error) {
        failure = String(error);
      }
      // The report is in the error or printed beside it, depending on where synth runs.
      expect(failure).toMatch(/Validation failed|ERROR/);
      expect([failure, ...printed.mock.calls.flat()].join('\n')).toContain('AwsSolutions-SQS4');
    } finally {
      printed.mockRestore();
    }
  });
});
