/**
 * The receiver's configuration, read once at module load and checked there: a missing or malformed
 * setting fails the cold start (API Gateway answers 5xx, so Panther retries) instead of every request.
 * Pure: it reads the environment object it is given, nothing else.
 */
import { parseRoutes, type Route } from './routes';
import { FORWARDER_SETTINGS, HTTP_HEADER_NAME, invalidPayloadMode, type InvalidPayloadMode } from './settings';

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
  /** `ARCHIVE_QUEUE_URL`: where every accepted alert also goes, for the S3 archive; none when unset. */
  readonly archiveQueueUrl: string | undefined;
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

/** How every function logs: `REQUEST_LOG` (`json`, the default, or `off`) and `METRICS_SCOPE` (default `local`). */
export function readLogSettings(env: NodeJS.ProcessEnv): Pick<ForwardingSettings, 'requestLog' | 'metricsScope'> {
  const requestLog = env.REQUEST_LOG ?? 'json';
  if (requestLog !== 'json' && requestLog !== 'off') throw new Error(`REQUEST_LOG must be json or off, got ${JSON.stringify(requestLog)}`);
  return { requestLog: requestLog === 'json', metricsScope: env.METRICS_SCOPE || 'local' };
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
    queueUrl: url('QUEUE_URL', true)!,
    quarantineQueueUrl: url('QUARANTINE_QUEUE_URL', quarantineRequired),
    ...readLogSettings(env),
    routes: parseRoutes(env.ROUTES),
    archiveQueueUrl: url('ARCHIVE_QUEUE_URL', false),
  };
}

export function readReceiverConfig(env: NodeJS.ProcessEnv): ReceiverConfig {
  const invalidPayloads = invalidPayloadMode(env.INVALID_PAYLOADS, 'INVALID_PAYLOADS');
  const authHeaderName = env.AUTH_HEADER_NAME ?? '';
  if (!HTTP_HEADER_NAME.test(authHeaderName))
    throw new Error(`AUTH_HEADER_NAME must be an HTTP header name, got ${JSON.stringify(authHeaderName)}`);
  if (!env.SECRET_ID) throw new Error('SECRET_ID must name the Secrets Manager secret holding the webhook secret');
  const maxStale = env.SECRET_MAX_STALE_SECONDS ?? String(FORWARDER_SETTINGS.secretMaxStaleSeconds);
  if (!/^\d{1,7}$/.test(maxStale))
    throw new Error(`SECRET_MAX_STALE_SECONDS must be a whole number of seconds, got ${JSON.stringify(maxStale)}`);
  return {
    ...readForwardingSettings(env, invalidPayloads === 'quarantine'),
    invalidPayloads,
    authHeaderName,
    secretId: env.SECRET_ID,
    secretMaxStaleMs: Number(maxStale) * 1000,
  };
}
