/**
 * What every AWS SDK client of the receiver shares: timeouts that are enforced per attempt, so a
 * connection that accepts and never answers is abandoned and retried on a fresh one well inside the
 * request's deadline. `@smithy/node-http-handler` 4.x only logs an exceeded `requestTimeout` unless
 * `throwOnRequestTimeout` is set; with it the attempt fails as a retryable TimeoutError (ETIMEDOUT).
 */
import type { NodeHttpHandler } from '@smithy/node-http-handler';

/** Where and as whom a client talks; every field falls back to the SDK's own resolution (environment, region). */
export interface AwsClientTarget {
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Instead of the service's own limits (tests run fault cases at a fraction of the real times). */
  readonly limits?: AttemptLimits;
}

/** Time limits of one client. */
export interface AttemptLimits {
  /** TCP (and TLS) connect, per attempt. */
  readonly connectMs: number;
  /** The whole attempt, from sending to the last byte of the answer. */
  readonly attemptMs: number;
  readonly maxAttempts: number;
}

/** SQS: three attempts of at most 1.5 s each, about 5 s in the worst case with back-off. */
export const SQS_LIMITS: AttemptLimits = { connectMs: 1_000, attemptMs: 1_500, maxAttempts: 3 };
/** Secrets Manager: two attempts; a cached secret is served meanwhile, so this bounds only the first read. */
export const SECRETS_MANAGER_LIMITS: AttemptLimits = { connectMs: 1_000, attemptMs: 1_500, maxAttempts: 2 };

/**
 * S3: an object is up to 1 MiB each way (PutObject in the archive processor, GetObject in replay),
 * and S3's own latency has a longer tail than SQS's: 5 s per attempt, three attempts.
 */
export const S3_LIMITS: AttemptLimits = { connectMs: 1_000, attemptMs: 5_000, maxAttempts: 3 };

/** The HTTP handler's settings for these limits (an SDK client's `requestHandler`, or a NodeHttpHandler's own). */
export function requestHandlerOptions(limits: AttemptLimits) {
  return { connectionTimeout: limits.connectMs, requestTimeout: limits.attemptMs, throwOnRequestTimeout: true };
}

/**
 * A client's options, with the target's limits or else the service's; its HTTP handler takes those
 * limits' timeouts unless one built with them is given.
 */
export function awsClientOptions(
  target: AwsClientTarget,
  serviceLimits: AttemptLimits,
  requestHandler: ReturnType<typeof requestHandlerOptions> | NodeHttpHandler = requestHandlerOptions(target.limits ?? serviceLimits),
) {
  const limits = target.limits ?? serviceLimits;
  return {
    ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint }),
    ...(target.region === undefined ? {} : { region: target.region }),
    ...(target.credentials === undefined ? {} : { credentials: target.credentials }),
    maxAttempts: limits.maxAttempts,
    requestHandler,
  };
}
