/**
 * The forwarder's props with their defaults, checked at synth: a value that could only fail at deploy
 * time (or at every cold start) fails `cdk synth` instead, with a message naming the prop and the
 * value. Context keys carry the props' names, so the same message names the `-c` key too.
 */
import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { isIP } from 'node:net';
import { checkRoutes } from '../functions/core/routes';
import { HTTP_HEADER_NAME, invalidPayloadMode, type InvalidPayloadMode, FORWARDER_SETTINGS as SETTINGS } from '../functions/core/settings';
import type { AlertRouteProps, PantherAlertForwarderProps } from './panther-alert-forwarder';

/** Every default in one place, so the secure choices are visible together. */
export const FORWARDER_DEFAULTS = {
  throttlingRateLimit: 100,
  throttlingBurstLimit: 200,
  stageName: 'v1',
  retentionPeriod: Duration.days(SETTINGS.retentionDays),
  maxReceiveCount: SETTINGS.maxReceiveCount,
  visibilityTimeout: Duration.seconds(SETTINGS.visibilityTimeoutSeconds),
  memorySize: 512,
  logRetention: logs.RetentionDays.ONE_YEAR,
  queueRemovalPolicy: RemovalPolicy.RETAIN,
  authHeaderName: SETTINGS.authHeaderName,
  invalidPayloads: 'quarantine' as InvalidPayloadMode,
  allowedSourceIps: [] as string[],
  fifo: false,
  routes: [] as AlertRouteProps[],
  consumerAccountIds: [] as string[],
  consumerRoleArns: [] as string[],
  exampleConsumer: false,
  maxSecretStaleness: Duration.seconds(SETTINGS.secretMaxStaleSeconds),
  apiGatewayCloudWatchRole: false,
} satisfies Omit<Required<PantherAlertForwarderProps>, 'encryptionKey' | 'reservedConcurrency'>;

export type ForwarderConfig = Omit<typeof FORWARDER_DEFAULTS & PantherAlertForwarderProps, 'routes'> & {
  readonly routes: ReturnType<typeof checkRoutes>;
};

const ACCOUNT_ID = /^\d{12}$/;
/** An IAM role ARN in any partition; a path is allowed, a wildcard is not (a queue policy would refuse it). */
const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** Roughly RFC 5321's mailbox: enough to catch a typo or a missing value before SNS refuses it. */
const EMAIL = /^[^\s@,;<>"]+@[^\s@,;<>".]+(\.[^\s@,;<>".]+)+$/;

/** An IPv4/IPv6 address, or a CIDR block with a prefix that fits its family. */
export function isIpOrCidr(value: string): boolean {
  const [address = '', prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** Email addresses alarms are sent to (`alarmEmail`), each checked. */
export function checkEmails(emails: readonly string[], source: string): readonly string[] {
  for (const email of emails) {
    if (!EMAIL.test(email)) throw new Error(`${source} must be email addresses, got ${JSON.stringify(email)}`);
  }
  return emails;
}

/** The props with their defaults, checked (see the module comment). */
export function checkForwarderProps(props: PantherAlertForwarderProps): ForwarderConfig {
  // An explicit `undefined` (e.g. an unset context value) means "the default", not "nothing".
  const given = Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined));
  const config = { ...FORWARDER_DEFAULTS, ...given } as typeof FORWARDER_DEFAULTS & PantherAlertForwarderProps;
  const fail = (prop: string, why: string): never => {
    throw new Error(`PantherAlertForwarder: ${prop} ${why}`);
  };
  const wholeInRange = (prop: string, value: number | undefined, min: number, max: number) => {
    if (value !== undefined && !Token.isUnresolved(value) && (!Number.isInteger(value) || value < min || value > max)) {
      fail(prop, `must be a whole number from ${min} to ${max}, got ${value}`);
    }
  };
  /** Every item of a list prop matches, or the synth fails naming the prop and the item. */
  const eachOf = (prop: string, values: readonly string[], ok: (value: string) => boolean, what: string) => {
    for (const value of values) if (!Token.isUnresolved(value) && !ok(value)) fail(prop, `must be ${what}, got ${JSON.stringify(value)}`);
  };
  wholeInRange('throttlingRateLimit', config.throttlingRateLimit, 1, 10_000);
  wholeInRange('throttlingBurstLimit', config.throttlingBurstLimit, 1, 5_000);
  wholeInRange('maxReceiveCount', config.maxReceiveCount, 1, 1_000);
  wholeInRange('memorySize', config.memorySize, 128, 10_240);
  wholeInRange('reservedConcurrency', config.reservedConcurrency, 1, 10_000);
  wholeInRange('maxSecretStaleness (seconds)', config.maxSecretStaleness.toSeconds(), 0, 7 * 24 * 60 * 60);
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(config.stageName))
    fail('stageName', `must be 1-128 letters, digits, _ or -, got ${JSON.stringify(config.stageName)}`);
  if (!HTTP_HEADER_NAME.test(config.authHeaderName))
    fail('authHeaderName', `must be an HTTP header name, got ${JSON.stringify(config.authHeaderName)}`);
  eachOf('consumerAccountIds', config.consumerAccountIds, (id) => ACCOUNT_ID.test(id), '12-digit AWS account ids');
  eachOf('consumerRoleArns', config.consumerRoleArns, (arn) => ROLE_ARN.test(arn), 'IAM role ARNs (arn:aws:iam::<account>:role/<name>)');
  eachOf('allowedSourceIps', config.allowedSourceIps, isIpOrCidr, 'IPv4/IPv6 addresses or CIDR blocks');
  invalidPayloadMode(config.invalidPayloads, 'PantherAlertForwarder: invalidPayloads');
  const routes = checkRoutes(config.routes, 'PantherAlertForwarder: routes');
  return { ...config, routes };
}
