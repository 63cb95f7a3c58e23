/**
 * Plain numbers and modes the construct, the receiver, local mode and the CLI share. Pure: no
 * imports, so that anything may read them without loading CDK, the AWS SDK or the validator.
 */
export const FORWARDER_SETTINGS = {
  /** SQS's maximum message size; the receiver refuses bodies beyond it with 413. */
  maxMessageBytes: 1_048_576,
  /** SQS's maximum retention. */
  retentionDays: 14,
  /** Receives before a message moves to the dead-letter queue. */
  maxReceiveCount: 5,
  /** SQS's default. */
  visibilityTimeoutSeconds: 30,
  /**
   * How many days before it reaches the archive an alert may have been created and still be filed
   * under its createdAt: Panther retries for 3 days; the rest is room for an alert Panther itself
   * sends late, so that only a createdAt no real delivery has is filed by its arrival.
   */
  archiveLateDays: 3 + 14,
  /** Lambda timeout: well under API Gateway's 29 s, and above the receiver's own deadline. */
  receiverTimeoutSeconds: 10,
  /**
   * How long past its refresh time a cached webhook secret is trusted while Secrets Manager fails:
   * long enough to ride out an outage unseen, short enough that a revoked secret does not stay valid.
   */
  secretMaxStaleSeconds: 24 * 60 * 60,
  /** The API resource Panther posts to. */
  route: '/alerts',
  /** The custom header Panther is told to send the shared secret in. */
  authHeaderName: 'X-Panther-Webhook-Secret',
} as const;

/** An HTTP header name (RFC 9110 token): what the secret header's name must be. */
export const HTTP_HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * What happens to an authenticated body that is not a Panther alert: `quarantine` keeps it (and
 * answers 2xx, so a schema change on Panther's side never loses an alert), `reject` answers 400.
 */
export type InvalidPayloadMode = 'quarantine' | 'reject';

/** Checks a configured mode (from `source`, for the message); undefined means the default, quarantine. */
export function invalidPayloadMode(value: string | undefined, source: string): InvalidPayloadMode {
  const mode = value ?? 'quarantine';
  if (mode !== 'quarantine' && mode !== 'reject') throw new Error(`${source} must be quarantine or reject, got ${JSON.stringify(mode)}`);
  return mode;
}
