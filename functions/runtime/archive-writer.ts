/**
 * The archive's one write: PutObject of an accepted alert's exact bytes, conditional on the key being
 * free (`If-None-Match: *`), as one signed request (signed-request.ts) with the SQS client's
 * credentials and signer. Measured against the SDK's S3 client (BENCHMARKS.md, "The archive's
 * write"): that client adds its modules and endpoint rules to every cold start and re-encodes,
 * checksums and hashes the body on every write; this sends the text as it is. The payload is not
 * hashed again (`UNSIGNED-PAYLOAD`, which S3 accepts): the SHA-256 the core computed of these bytes
 * (the object's name) goes as `x-amz-checksum-sha256`, which S3 checks the body against.
 *
 * A 412 means the object is there already: the key is the hash of the bytes, so it holds these bytes
 * (a Panther retry, a duplicate) and the write counts as done. The bucket policy refuses any PUT
 * without the condition (lib/), so this is the only way in.
 */
import { partition } from '@aws-sdk/core/client';
import type { ArchiveTarget } from '../core/delivery';
import type { TargetOutcome } from '../core/webhook-core';
import { type AwsClientTarget, S3_WRITE_LIMITS } from './aws-client-options';
import { describeError } from './errors';
import { type SharedClientConfig, type SignedRequest, signedRequest } from './signed-request';

/** Writes one target's object with the delivery's body; never throws (the outcome says how it went). */
export type ArchiveSender = (target: ArchiveTarget, body: string, signal?: AbortSignal) => Promise<TargetOutcome>;

/** S3's answer to a conditional write whose key exists already. */
const ALREADY_THERE = 412;

/** The S3 endpoint of a region: virtual-hosted for a bucket name without dots (the SDK's choice), else path-style. */
export function s3BucketEndpoint(bucket: string, region: string, { fips = false, dualStack = false } = {}): URL {
  // S3's dual-stack names keep the partition's usual suffix (s3.dualstack.us-east-1.amazonaws.com).
  const host = `${fips ? 's3-fips' : 's3'}${dualStack ? '.dualstack' : ''}.${region}.${partition(region).dnsSuffix}`;
  return bucket.includes('.') ? new URL(`https://${host}/${bucket}`) : new URL(`https://${bucket}.${host}`);
}

/** `<Code>` and `<Message>` of S3's XML error answer (none for an answer without a body). */
function describeXmlError(_headers: Readonly<Record<string, string>>, text: string): { name: string; message: string } {
  const element = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1];
  return { name: element('Code') ?? 'UnknownError', message: element('Message') ?? '' };
}

/** A key's path as S3 signs it: each segment escaped once (archive keys hold only `a-z0-9=/._-`). */
function keyPath(key: string): string {
  return `/${key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/')}`;
}

/**
 * The archive sender: writes each target's object into the target's bucket. Without an endpoint in
 * the client target it honours AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL, like the SDK; a configured
 * endpoint (a local server) is addressed path-style.
 */
export function archiveSender(
  shared: SharedClientConfig,
  target: AwsClientTarget = {},
  env: NodeJS.ProcessEnv = process.env,
): ArchiveSender {
  /** A bucket's endpoint is part of its request's set-up: one per bucket (a function writes to one). */
  const requests = new Map<string, SignedRequest>();
  const requestTo = (bucket: string) => {
    let request = requests.get(bucket);
    if (request === undefined) {
      request = signedRequest(shared, target, {
        service: 's3',
        limits: target.limits ?? S3_WRITE_LIMITS,
        endpoint: {
          variable: 'AWS_ENDPOINT_URL_S3',
          regional: (region, variant) => s3BucketEndpoint(bucket, region, variant),
          configured: (configured) => new URL(`${configured.replace(/\/$/, '')}/${bucket}`),
        },
        env,
        describeError: describeXmlError,
        unsignedPayload: true,
        uriEscapePath: false,
      });
      requests.set(bucket, request);
    }
    return request;
  };
  return async ({ bucket, object }, body, signal) => {
    const headers: Record<string, string> = {
      'content-type': object.contentType,
      'if-none-match': '*',
      // The SHA-256 the core already computed of these bytes: S3 checks the body against it (no hashing
      // here), and a bucket under Object Lock refuses a PUT that carries no checksum at all.
      'x-amz-checksum-sha256': Buffer.from(object.sha256, 'hex').toString('base64'),
    };
    for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
    try {
      await requestTo(bucket)(
        { method: 'PUT', path: keyPath(object.key), headers, body },
        { expected: [ALREADY_THERE], ...(signal ? { signal } : {}) },
      );
      return { ok: true };
    } catch (error) {
      return { ok: false, failure: s3Answered(error) ? 'refused' : 'unreachable', error: `archive: ${describeError(error)}` };
    }
  };
}

/** An error with an HTTP status came from S3 itself; anything else never reached it. */
function s3Answered(error: unknown): boolean {
  return typeof (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 'number';
}
