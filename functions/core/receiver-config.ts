/**
 * The functions' configuration, read once at module load and checked there: a missing or malformed
 * setting fails the cold start (API Gateway answers 5xx, SQS keeps the inbox's messages) instead of
 * every request. Pure: it reads the environment object it is given, nothing else, by the names in
 * environment.ts.
 */
import { checkArchivePrefix, DEFAULT_ARCHIVE_PREFIX } from './archive-prefix';
import { ENV } from './environment';
import { parseRoutes, type Route } from './routes';
import { FORWARDER_SETTINGS, HTTP_HEADER_NAME, invalidPayloadMode, type InvalidPayloadMode } from './settings';

/** Where the archive is written: the bucket and the prefix its keys start with. */
export interface ArchiveSettings {
  readonly bucket: string;
  readonly prefix: string;
}

/** The EventBridge bus every accepted alert is also put on. */
export interface BusSettings {
  /** A bus name or ARN, as PutEvents takes it. */
  readonly eventBusName: string;
}

/** What every function that forwards alerts reads alike: where they go, and how it logs. */
export interface ForwardingSettings {
  /** The alert queue's URL (`QUEUE_URL`). */
  readonly queueUrl: string;
  /** Where bodies that are not alerts go (`QUARANTINE_QUEUE_URL`). */
  readonly quarantineQueueUrl: string | undefined;
  /** `REQUEST_LOG`: `json` (default) writes one JSON line with EMF metrics per request; `off` none. */
  readonly requestLog: boolean;
  /** `ROUTES`: fan-out queues with their filters (JSON); none by default. */
  readonly routes: readonly Route[];
  /** `METRICS_SCOPE`: the value of every metric's Forwarder dimension (the construct sets its stack and path). */
  readonly metricsScope: string;
  /** `ARCHIVE_BUCKET` and `ARCHIVE_PREFIX`: where every accepted alert is also written; no archive without a bucket. */
  readonly archive: ArchiveSettings | undefined;
  /** `EVENT_BUS_NAME`: the bus every accepted alert is also put on; none when unset. */
  readonly bus?: BusSettings | undefined;
}

export interface ReceiverConfig extends ForwardingSettings {
  /** `INVALID_PAYLOADS`: `quarantine` (default) or `reject`; the quarantine queue is required in quarantine mode. */
  readonly invalidPayloads: InvalidPayloadMode;
  /** `AUTH_HEADER_NAME`: the header carrying the shared secret. */
  readonly authHeaderName: string;
  /** `SECRET_ID`: name or ARN of the Secrets Manager secret holding it. */
  readonly secretId: string;
  /**
   * `SECRET_MAX_STALE_SECONDS`: how long past its refresh time a cached secret is still trusted while
   * Secrets Manager fails (default 24 hours); after that requests get 503 until a read succeeds.
   */
  readonly secretMaxStaleMs: number;
}

/** The inbox processor's: the quarantine queue is required (the inbox has no one to answer a 400 to). */
export interface InboxConfig extends ForwardingSettings {
  readonly quarantineQueueUrl: string;
}

/** How every function logs: `REQUEST_LOG` (`json`, the default, or `off`) and `METRICS_SCOPE` (default `local`). */
export function readLogSettings(env: NodeJS.ProcessEnv): Pick<ForwardingSettings, 'requestLog' | 'metricsScope'> {
  const requestLog = env[ENV.requestLog] ?? 'json';
  if (requestLog !== 'json' && requestLog !== 'off')
    throw new Error(`${ENV.requestLog} must be json or off, got ${JSON.stringify(requestLog)}`);
  return { requestLog: requestLog === 'json', metricsScope: env[ENV.metricsScope] || 'local' };
}

/** S3's rule for new bucket names: 3-63 lower-case letters, digits, dots and hyphens, no `..`. */
const BUCKET_NAME = /^(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `ARCHIVE_BUCKET` (none: no archive) and `ARCHIVE_PREFIX` (default `alerts/`), checked. */
export function readArchiveSettings(env: NodeJS.ProcessEnv): ArchiveSettings | undefined {
  const bucket = env[ENV.archiveBucket];
  const prefix = env[ENV.archivePrefix];
  if (bucket === undefined) {
    if (prefix !== undefined) throw new Error(`${ENV.archivePrefix} is set but ${ENV.archiveBucket} is not`);
    return undefined;
  }
  if (!BUCKET_NAME.test(bucket)) throw new Error(`${ENV.archiveBucket} must be an S3 bucket name, got ${JSON.stringify(bucket)}`);
  return { bucket, prefix: checkArchivePrefix(prefix ?? DEFAULT_ARCHIVE_PREFIX, ENV.archivePrefix) };
}

/** PutEvents' pattern for an EventBusName: a name, or a bus ARN ending in one. */
const EVENT_BUS_NAME = /^(arn:aws[\w-]*:events:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:event-bus\/)?[.\-_A-Za-z0-9]{1,256}$/;

/** `EVENT_BUS_NAME` (none: no bus target), checked. */
export function readBusSettings(env: NodeJS.ProcessEnv): BusSettings | undefined {
  const eventBusName = env[ENV.eventBusName];
  if (eventBusName === undefined) return undefined;
  if (!EVENT_BUS_NAME.test(eventBusName))
    throw new Error(`${ENV.eventBusName} must be an event bus name or ARN, got ${JSON.stringify(eventBusName)}`);
  return { eventBusName };
}

/**
 * Reads and checks the forwarding settings; throws naming the variable. `quarantineRequired`: whether
 * QUARANTINE_QUEUE_URL must be set (otherwise it may be absent, never malformed).
 */
export function readForwardingSettings(env: NodeJS.ProcessEnv, quarantineRequired: boolean): ForwardingSettings {
  const url = (name: string, required: boolean) => {
    const value = env[name];
    if (value === undefined && !required) return undefined;
    if (!value || !URL.canParse(value)) throw new Error(`${name} must be a queue URL, got ${JSON.stringify(value ?? null)}`);
    return value;
  };
  return {
    queueUrl: url(ENV.queueUrl, true)!,
    quarantineQueueUrl: url(ENV.quarantineQueueUrl, quarantineRequired),
    ...readLogSettings(env),
    routes: parseRoutes(env[ENV.routes]),
    archive: readArchiveSettings(env),
    ...busSetting(readBusSettings(env)),
  };
}

/** Only a configured bus is a key: a forwarder without one reads as it always did. */
const busSetting = (bus: BusSettings | undefined) => (bus === undefined ? {} : { bus });

export function readReceiverConfig(env: NodeJS.ProcessEnv): ReceiverConfig {
  const invalidPayloads = invalidPayloadMode(env[ENV.invalidPayloads], ENV.invalidPayloads);
  const authHeaderName = env[ENV.authHeaderName] ?? '';
  if (!HTTP_HEADER_NAME.test(authHeaderName))
    throw new Error(`${ENV.authHeaderName} must be an HTTP header name, got ${JSON.stringify(authHeaderName)}`);
  const secretId = env[ENV.secretId];
  if (!secretId) throw new Error(`${ENV.secretId} must name the Secrets Manager secret holding the webhook secret`);
  const maxStale = env[ENV.secretMaxStaleSeconds] ?? String(FORWARDER_SETTINGS.secretMaxStaleSeconds);
  if (!/^\d{1,7}$/.test(maxStale))
    throw new Error(`${ENV.secretMaxStaleSeconds} must be a whole number of seconds, got ${JSON.stringify(maxStale)}`);
  return {
    ...readForwardingSettings(env, invalidPayloads === 'quarantine'),
    invalidPayloads,
    authHeaderName,
    secretId,
    secretMaxStaleMs: Number(maxStale) * 1000,
  };
}

export function readInboxConfig(env: NodeJS.ProcessEnv): InboxConfig {
  const settings = readForwardingSettings(env, true);
  return { ...settings, quarantineQueueUrl: settings.quarantineQueueUrl! };
}
