/**
 * The forwarder's props checked at synth, every problem at once: each names the key as the user
 * typed it (`key`: the prop for the construct, the context key for `cdk synth -c`) and the value.
 */
import { Token } from 'aws-cdk-lib';
import { checkRoutes } from '../functions/core/routes';
import { HTTP_HEADER_NAME, invalidPayloadMode } from '../functions/core/settings';
import { collectAlertBusProblems } from './alert-bus-props';
import { ARCHIVE_ONLY_PROPS, collectArchiveProblems } from './archive-props';
import { INBOX_ONLY_PROPS, WEBHOOK_ONLY_PROPS } from './door-props';
import { checkEscapeHatches } from './escape-hatches';
import { ACCOUNT_ID, CERTIFICATE_ARN, DOMAIN_NAME, isIpOrCidr, ROLE_ARN, WEB_ACL_ARN } from './formats';
import { FORWARDER_DEFAULTS, type ForwarderConfig, type PantherAlertForwarderProps } from './forwarder-props';
import { Problems } from './problems';

type Config = typeof FORWARDER_DEFAULTS & PantherAlertForwarderProps;

/** How a prop is named to the user: itself for the construct, its context key for the app. */
export type KeyName = (prop: string) => string;

/** The props with their defaults, checked: one error listing every problem (see the module comment). */
export function checkForwarderProps(props: PantherAlertForwarderProps): ForwarderConfig {
  const problems = new Problems();
  const config = collectForwarderProblems(props, problems);
  problems.throwIfAny('PantherAlertForwarder');
  return config;
}

/** Adds every problem of `props` to `problems`; the config is meaningful only when none was found. */
export function collectForwarderProblems(
  props: PantherAlertForwarderProps,
  problems: Problems,
  key: KeyName = (prop) => prop,
): ForwarderConfig {
  // An explicit `undefined` (e.g. an unset context value) means "the default", not "nothing".
  const given = Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined)) as PantherAlertForwarderProps;
  const config = { ...FORWARDER_DEFAULTS, ...given } as Config;
  const fail = (prop: string, why: string) => problems.add(key(prop), why);
  const wholeInRange = (prop: string, value: number | undefined, min: number, max: number, unit = '') => {
    if (value !== undefined && !Token.isUnresolved(value) && (!Number.isInteger(value) || value < min || value > max)) {
      fail(prop, `must be a whole number${unit} from ${min} to ${max}, got ${value}`);
    }
  };
  /** Every item of a list prop matches, or a problem names the prop and the item. */
  const eachOf = (prop: string, values: readonly string[], ok: (value: string) => boolean, what: string) => {
    for (const value of values) if (!Token.isUnresolved(value) && !ok(value)) fail(prop, `must be ${what}, got ${JSON.stringify(value)}`);
  };
  wholeInRange('throttlingRateLimit', config.throttlingRateLimit, 1, 10_000);
  wholeInRange('throttlingBurstLimit', config.throttlingBurstLimit, 1, 5_000);
  wholeInRange('maxReceiveCount', config.maxReceiveCount, 1, 1_000);
  wholeInRange('memorySize', config.memorySize, 128, 10_240);
  wholeInRange('reservedConcurrency', config.reservedConcurrency, 1, 10_000);
  wholeInRange('maxSecretStaleness', config.maxSecretStaleness.toSeconds(), 0, 7 * 24 * 60 * 60, ' of seconds');
  wholeInRange('inboxMaxConcurrency', config.inboxMaxConcurrency, 2, 1_000);
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(config.stageName))
    fail('stageName', `must be 1-128 letters, digits, _ or -, got ${JSON.stringify(config.stageName)}`);
  if (!HTTP_HEADER_NAME.test(config.authHeaderName))
    fail('authHeaderName', `must be an HTTP header name, got ${JSON.stringify(config.authHeaderName)}`);
  eachOf('consumerAccountIds', config.consumerAccountIds, (id) => ACCOUNT_ID.test(id), '12-digit AWS account ids');
  eachOf('pantherAccountIds', config.pantherAccountIds, (id) => ACCOUNT_ID.test(id), "12-digit AWS account ids (Panther's)");
  eachOf('consumerRoleArns', config.consumerRoleArns, (arn) => ROLE_ARN.test(arn), 'IAM role ARNs (arn:aws:iam::<account>:role/<name>)');
  eachOf('allowedSourceIps', config.allowedSourceIps, isIpOrCidr, 'IPv4/IPv6 addresses or CIDR blocks');
  problems.catch(() => invalidPayloadMode(config.invalidPayloads, key('invalidPayloads')));
  const routes = problems.catch(() => checkRoutes(config.routes, key('routes'))) ?? [];
  checkWhatApplies(config, given, fail, key);
  checkEscapeHatches(given, fail, key);
  checkEdge(config, fail, key);
  collectAlertBusProblems(given, fail, key);
  return { ...config, routes };
}

/** A prop of a part the other props leave out (the webhook, the inbox, the archive, the example consumer) means nothing. */
function checkWhatApplies(
  config: Config,
  given: PantherAlertForwarderProps,
  fail: (prop: string, why: string) => void,
  key: KeyName,
): void {
  const leftOut = (props: readonly (keyof PantherAlertForwarderProps)[], why: string) => {
    for (const prop of props) if (given[prop] !== undefined) fail(prop, why);
  };
  if (!config.webhook) {
    // Without the webhook, the inbox is the only door.
    if (config.pantherAccountIds.length === 0) fail('webhook', `false needs ${key('pantherAccountIds')}: otherwise no alert can come in`);
    leftOut(WEBHOOK_ONLY_PROPS, `applies to the webhook, which ${key('webhook')}=false leaves out`);
  }
  if (config.pantherAccountIds.length === 0)
    leftOut(INBOX_ONLY_PROPS, `applies to the inbox, which only ${key('pantherAccountIds')} creates`);
  if (!config.archive) leftOut(ARCHIVE_ONLY_PROPS, `applies to the archive, which ${key('archive')}=false leaves out`);
  if (!config.exampleConsumer)
    leftOut(['consumerFunctionProps'], `applies to the example consumer, which only ${key('exampleConsumer')}=true creates`);
  if (config.archive) {
    const archive = { archiveDays: config.archiveDays, bytesScannedCutoffPerQuery: config.archiveScanCutoffBytes };
    collectArchiveProblems(archive, (prop, why) => fail(prop === 'bytesScannedCutoffPerQuery' ? 'archiveScanCutoffBytes' : prop, why));
  }
}

/** The custom domain, its certificate and the web ACL: each well-formed, and the domain never without its certificate. */
function checkEdge(config: PantherAlertForwarderProps, fail: (prop: string, why: string) => void, key: KeyName): void {
  const { domainName, certificateArn, webAclArn } = config;
  if (domainName !== undefined && certificateArn === undefined)
    fail('domainName', `needs ${key('certificateArn')} too (an ACM certificate for ${JSON.stringify(domainName)} in the stack's region)`);
  if (certificateArn !== undefined && domainName === undefined) fail('certificateArn', `is used only with ${key('domainName')}`);
  if (domainName !== undefined && !Token.isUnresolved(domainName) && !DOMAIN_NAME.test(domainName))
    fail('domainName', `must be a DNS name like alerts.example.com, got ${JSON.stringify(domainName)}`);
  if (certificateArn !== undefined && !Token.isUnresolved(certificateArn) && !CERTIFICATE_ARN.test(certificateArn))
    fail(
      'certificateArn',
      `must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>), got ${JSON.stringify(certificateArn)}`,
    );
  if (webAclArn !== undefined && !Token.isUnresolved(webAclArn) && !WEB_ACL_ARN.test(webAclArn))
    fail(
      'webAclArn',
      `must be a regional WAFv2 web ACL ARN (arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>), got ${JSON.stringify(webAclArn)}`,
    );
}
