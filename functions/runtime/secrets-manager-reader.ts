/**
 * GetSecretValue as one SigV4-signed POST (AWS JSON 1.1) through signed-request.ts, instead of a
 * second SDK client: the Secrets Manager client cost a cold start about a fifth of the whole (its
 * modules, its configuration and endpoint rules, evaluated on the first request), which Panther
 * waits for; this costs the request. BENCHMARKS.md has the measurements.
 *
 * What the SDK client would do is pinned by test/functions/runtime/secrets-manager-reader.test.ts:
 * the same request as the official client's (verified by an independent SigV4 check), the same
 * endpoint for every region and FIPS/dual-stack setting, the same error names, attempts and
 * clock-skew correction.
 */
import { partition } from '@aws-sdk/core/client';
import { type AwsClientTarget, SECRETS_MANAGER_LIMITS } from './aws-client-options';
import type { SecretReader } from './secret-source';
import { AwsServiceError, type SharedClientConfig, signedRequest } from './signed-request';

export type { SharedClientConfig };
/** An error Secrets Manager answered with, named as the SDK names it (e.g. ResourceNotFoundException). */
export { AwsServiceError as SecretsManagerError };

export const USER_AGENT = 'panther-alert-forwarder (webhook secret read)';

/** The Secrets Manager endpoint the SDK's endpoint rules give for a region and endpoint variant. */
export function secretsManagerEndpoint(region: string, { fips = false, dualStack = false } = {}): string {
  const { name, dnsSuffix, dualStackDnsSuffix, supportsFIPS, supportsDualStack } = partition(region);
  if ((fips && !supportsFIPS) || (dualStack && !supportsDualStack)) {
    throw new Error(`Secrets Manager has no ${fips ? 'FIPS ' : ''}${dualStack ? 'dual-stack ' : ''}endpoint in ${region}`);
  }
  const host = fips ? 'secretsmanager-fips' : 'secretsmanager';
  if (!dualStack) return `https://${host}.${region}.${dnsSuffix}`;
  // The standard endpoints of these partitions already answer over IPv6.
  const suffix =
    name === 'aws' || name === 'aws-us-gov' ? 'amazonaws.com' : name === 'aws-cn' && !fips ? 'amazonaws.com.cn' : dualStackDnsSuffix;
  return `https://${host}.${region}.${suffix}`;
}

/** An error answer's JSON, or nothing when it is not JSON (a proxy's or load balancer's page). */
function parseErrorBody(text: string): { __type?: unknown; code?: unknown; Message?: unknown; message?: unknown } {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

/** The error from an AWS JSON answer: its type from `x-amzn-errortype` or `__type`, without namespace or URI suffix. */
export function describeJsonError(headers: Readonly<Record<string, string>>, text: string): { name: string; message: string } {
  const body = parseErrorBody(text);
  const raw = String(headers['x-amzn-errortype'] ?? body.__type ?? body.code ?? 'UnknownError');
  return { name: raw.split(':')[0]!.split('#').pop() || 'UnknownError', message: String(body.Message ?? body.message ?? '') };
}

/**
 * A reader of one secret's string. Without an endpoint in the target it honours
 * AWS_ENDPOINT_URL_SECRETS_MANAGER and AWS_ENDPOINT_URL, like the SDK.
 */
export function secretsManagerReader(
  secretId: string,
  shared: SharedClientConfig,
  target: AwsClientTarget = {},
  env: NodeJS.ProcessEnv = process.env,
): SecretReader {
  const request = signedRequest(shared, target, {
    service: 'secretsmanager',
    limits: target.limits ?? SECRETS_MANAGER_LIMITS,
    endpoint: {
      variable: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
      regional: (region, variant) => new URL(secretsManagerEndpoint(region, variant)),
    },
    env,
    describeError: describeJsonError,
  });
  const body = JSON.stringify({ SecretId: secretId });
  const headers = {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'secretsmanager.GetSecretValue',
    // Not signed (SigV4 never signs it); names the caller in CloudTrail, where the SDK's would.
    'user-agent': USER_AGENT,
  };
  return async () => {
    const answer = await request({ method: 'POST', path: '', headers, body });
    const { SecretString } = JSON.parse(Buffer.from(answer.body).toString('utf8')) as { SecretString?: unknown };
    return typeof SecretString === 'string' ? SecretString : undefined;
  };
}
