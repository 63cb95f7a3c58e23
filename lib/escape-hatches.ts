/**
 * `queueProps`, `restApiProps` and the functions' props (`functionProps`, `inboxFunctionProps`,
 * `consumerFunctionProps`) are merged over ours: each may not break a promise, nor bypass a prop that
 * has one. A refusal names the setting (`functionProps.timeout`) and why.
 */
import { Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { INBOX_ENV, RECEIVER_ENV } from '../functions/core/environment';
import { FORWARDER_SETTINGS as SETTINGS } from '../functions/core/settings';
import type { PantherAlertForwarderProps } from './forwarder-props';

type Fail = (prop: string, why: string) => void;

/** Every escape hatch given, checked (`key` names a prop as the user typed it). */
export function checkEscapeHatches(given: PantherAlertForwarderProps, fail: Fail, key: (prop: string) => string): void {
  const hasOwnProp = (prop: string) => `has a prop of its own: set ${key(prop)}`;
  checkQueueProps(given.queueProps, fail, hasOwnProp);
  checkFunctionProps('functionProps', given.functionProps, fail, {
    what: 'the receiver',
    reads: RECEIVER_ENV,
    ownProps: { memorySize: hasOwnProp('memorySize'), reservedConcurrentExecutions: hasOwnProp('reservedConcurrency') },
    timeout: [6, 28, "SQS attempts need ~5 s before the receiver's own deadline, API Gateway gives up at 29 s"],
  });
  checkFunctionProps('inboxFunctionProps', given.inboxFunctionProps, fail, {
    what: 'the inbox processor',
    reads: INBOX_ENV,
    ownProps: {},
    timeout: [1, 900, "Lambda's limit; the inbox hides a received batch six times as long"],
  });
  checkFunctionProps('consumerFunctionProps', given.consumerFunctionProps, fail, {
    what: 'the example consumer',
    reads: [],
    ownProps: { timeout: `follows ${key('visibilityTimeout')}: a sixth of it, so a retried batch never overlaps one still running` },
  });
  checkRestApiProps(given, fail, hasOwnProp);
}

function refuse(prop: string, settings: object | undefined, reasons: Record<string, string>, fail: Fail): void {
  for (const [name, why] of Object.entries(reasons)) if (settings && name in settings) fail(`${prop}.${name}`, why);
}

function checkQueueProps(queue: sqs.QueueProps | undefined, fail: Fail, hasOwnProp: (prop: string) => string): void {
  refuse(
    'queueProps',
    queue,
    {
      fifo: hasOwnProp('fifo'),
      contentBasedDeduplication: 'is ours: the de-duplication id is the dedupKey attribute, the same on every retry',
      deadLetterQueue: 'is ours: every queue is paired with its own dead-letter queue, watched by construction',
      queueName: 'is not allowed: one name cannot name every queue, and a renamed queue is a new, empty one',
      retentionPeriod: hasOwnProp('retentionPeriod'),
      visibilityTimeout: hasOwnProp('visibilityTimeout'),
      removalPolicy: hasOwnProp('queueRemovalPolicy'),
      encryptionMasterKey: hasOwnProp('encryptionKey'),
    },
    fail,
  );
  if (queue?.enforceSSL === false) fail('queueProps.enforceSSL', 'must stay true: the queues refuse anything but TLS');
  if (queue?.encryption === sqs.QueueEncryption.UNENCRYPTED)
    fail('queueProps.encryption', 'must not be UNENCRYPTED: the queues hold alerts');
  if (queue?.maxMessageSizeBytes !== undefined && queue.maxMessageSizeBytes < SETTINGS.maxMessageBytes)
    fail('queueProps.maxMessageSizeBytes', `must stay ${SETTINGS.maxMessageBytes}: the doors accept alerts up to 1 MiB`);
}

interface FunctionRules {
  /** The function, for the messages. */
  readonly what: string;
  /** The variables it reads: the construct's to set (or to leave at the reader's default). */
  readonly reads: readonly string[];
  /** Settings that have a prop of their own, or follow one. */
  readonly ownProps: Record<string, string>;
  /** The timeout's bounds in seconds and why, when it may be set. */
  readonly timeout?: readonly [number, number, string];
}

/** A function's props: never its code, role or log group, the variables it reads, or somewhere else for its AWS calls. */
function checkFunctionProps(prop: string, fn: Partial<lambda.FunctionProps> | undefined, fail: Fail, rules: FunctionRules): void {
  if (fn === undefined) return;
  const ours = `is ${rules.what}’s own (its bundle, its least-privilege role and log group)`;
  const owned = { code: ours, handler: ours, runtime: ours, architecture: ours, role: ours, logGroup: ours, ...rules.ownProps };
  refuse(prop, fn, owned, fail);
  const timeout = fn.timeout?.toSeconds();
  if (rules.timeout && timeout !== undefined && !Token.isUnresolved(timeout)) {
    const [min, max, why] = rules.timeout;
    if (timeout < min || timeout > max) fail(`${prop}.timeout`, `must be ${min}-${max} seconds (${why}), got ${timeout}`);
  }
  for (const name of Object.keys(fn.environment ?? {})) {
    if (rules.reads.includes(name))
      fail(`${prop}.environment.${name}`, `is ${rules.what}’s own setting: the construct sets it from its props`);
    if (name.startsWith('AWS_ENDPOINT_URL')) fail(`${prop}.environment.${name}`, `would send ${rules.what}’s AWS calls somewhere else`);
  }
}

function checkRestApiProps(given: PantherAlertForwarderProps, fail: Fail, hasOwnProp: (prop: string) => string): void {
  const api = given.restApiProps;
  refuse(
    'restApiProps',
    api,
    {
      policy: hasOwnProp('allowedSourceIps'),
      cloudWatchRole: hasOwnProp('apiGatewayCloudWatchRole'),
      domainName: hasOwnProp('domainName'),
    },
    fail,
  );
  if (api?.deploy === false) fail('restApiProps.deploy', 'must stay true: without a deployment there is no stage for Panther to post to');
  if (api?.binaryMediaTypes !== undefined && !api.binaryMediaTypes.includes('*/*'))
    fail('restApiProps.binaryMediaTypes', 'must include */*: the receiver forwards the exact bytes Panther sent');
  if (api?.endpointConfiguration?.types.includes(apigateway.EndpointType.PRIVATE))
    fail('restApiProps.endpointConfiguration', 'must not be PRIVATE: Panther reaches the webhook over the internet');
  if (api?.disableExecuteApiEndpoint === true && given.domainName === undefined)
    fail('restApiProps.disableExecuteApiEndpoint', 'needs domainName: otherwise the API has no URL at all');
  const stage = api?.deployOptions;
  refuse(
    'restApiProps.deployOptions',
    stage,
    {
      stageName: hasOwnProp('stageName'),
      throttlingRateLimit: hasOwnProp('throttlingRateLimit'),
      throttlingBurstLimit: hasOwnProp('throttlingBurstLimit'),
      accessLogFormat: 'is ours: it logs who, what and when, never a header (the secret travels in one) or the body',
    },
    fail,
  );
  const dataTrace = 'must stay false: it would log every request body and header, the secret with it';
  if (stage?.dataTraceEnabled === true) fail('restApiProps.deployOptions.dataTraceEnabled', dataTrace);
  for (const [path, options] of Object.entries(stage?.methodOptions ?? {})) {
    if (options.dataTraceEnabled === true) fail(`restApiProps.deployOptions.methodOptions['${path}'].dataTraceEnabled`, dataTrace);
  }
}
