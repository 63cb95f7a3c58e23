/**
 * Every environment variable a function of this project reads, named once. The config readers read
 * these names, the constructs set them and local mode fills them in: a renamed variable is renamed
 * everywhere, and `test/lib/environment-names.test.ts` fails when a construct sets a variable no
 * reader reads, or a reader needs one its construct never sets. Pure: no imports.
 */
export const ENV = {
  /** The alert queue's URL. */
  queueUrl: 'QUEUE_URL',
  /** Where bodies that are not alerts go. */
  quarantineQueueUrl: 'QUARANTINE_QUEUE_URL',
  /** The fan-out routes with their queue URLs, as JSON. */
  routes: 'ROUTES',
  /** `json` (default) or `off`: one JSON line with EMF metrics per request. */
  requestLog: 'REQUEST_LOG',
  /** The value of every metric's Forwarder dimension. */
  metricsScope: 'METRICS_SCOPE',
  /** The archive bucket's name; no archive when unset. */
  archiveBucket: 'ARCHIVE_BUCKET',
  /** Where the archive's keys start (`alerts/` by default). */
  archivePrefix: 'ARCHIVE_PREFIX',
  /** The EventBridge bus (name or ARN) every accepted alert is also put on; no bus target when unset. */
  eventBusName: 'EVENT_BUS_NAME',
  /** `quarantine` (default) or `reject`. */
  invalidPayloads: 'INVALID_PAYLOADS',
  /** The header carrying the webhook secret. */
  authHeaderName: 'AUTH_HEADER_NAME',
  /** Name or ARN of the Secrets Manager secret holding it. */
  secretId: 'SECRET_ID',
  /** How long past its refresh a cached secret is trusted while Secrets Manager fails. */
  secretMaxStaleSeconds: 'SECRET_MAX_STALE_SECONDS',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

/** What both doors read alike: where an accepted alert goes and how the function logs. */
export const FORWARDING_ENV = [
  ENV.queueUrl,
  ENV.quarantineQueueUrl,
  ENV.routes,
  ENV.requestLog,
  ENV.metricsScope,
  ENV.archiveBucket,
  ENV.archivePrefix,
  ENV.eventBusName,
] as const satisfies readonly EnvName[];

/** The webhook receiver's variables. */
export const RECEIVER_ENV = [
  ...FORWARDING_ENV,
  ENV.invalidPayloads,
  ENV.authHeaderName,
  ENV.secretId,
  ENV.secretMaxStaleSeconds,
] as const satisfies readonly EnvName[];

/** The inbox processor's variables. */
export const INBOX_ENV = FORWARDING_ENV;

/** A function's settings as environment variables, by name: what a construct hands to a function. */
export type FunctionEnvironment = Partial<Record<EnvName, string>>;
