/**
 * GetSecretValue as one SigV4-signed POST (AWS JSON 1.1), made with the SQS client's credentials,
 * region and hash, and the signer and HTTP handler code it already loaded, instead of a second SDK
 * client. The Secrets
 * Manager client cost a cold start about a fifth of the whole (its modules, its configuration and
 * endpoint rules, evaluated on the first request), which Panther waits for; this costs the request.
 * BENCHMARKS.md has the measurements.
 *
 * What the SDK client would do is pinned by test/functions/runtime/secrets-manager-reader.test.ts:
 * the same request as the official client's (verified by an independent SigV4 check), the same
 * endpoint for every region and FIPS/dual-stack setting, the same error names, attempts and
 * clock-skew correction.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { partition } from '@aws-sdk/core/client';
import { HttpRequest } from '@smithy/core/transport';
import { SignatureV4 } from '@smithy/signature-v4';
import { AttemptDeadlineHttpHandler } from './attempt-deadline';
import { type AwsClientTarget, SECRETS_MANAGER_LIMITS } from './aws-client-options';
import type { SecretReader } from './secret-source';

/** What the reader borrows from the SQS client's resolved configuration (one credential chain, resolved once). */
export type SharedClientConfig = Pick<
  SQSClient['config'],
  'credentials' | 'region' | 'sha256' | 'useFipsEndpoint' | 'useDualstackEndpoint' | 'systemClockOffset'
>;

/** An error Secrets Manager answered with, named as the SDK names it (e.g. ResourceNotFoundException). */
export class SecretsManagerError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly $metadata: { readonly httpStatusCode: number },
    /** The answer showed this machine's clock off by minutes, and the offset was corrected: worth another attempt. */
    readonly clockSkewCorrected = false,
  ) {
    super(message);
  }
}

export const USER_AGENT = 'panther-alert-forwarder (webhook secret read)';

/** As the SDK does: a clock this far off the server's fails signatures, so it is corrected and the request retried. */
const CLOCK_SKEW_MS = 240_000;

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

/** Where the reader sends: the target's endpoint, else the standard variables, else the region's endpoint. */
async function resolveEndpoint(target: AwsClientTarget, shared: SharedClientConfig, region: string, env: NodeJS.ProcessEnv): Promise<URL> {
  const configured = target.endpoint ?? env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? env.AWS_ENDPOINT_URL;
  if (configured) return new URL(configured);
  const [fips, dualStack] = await Promise.all([shared.useFipsEndpoint(), shared.useDualstackEndpoint()]);
  return new URL(secretsManagerEndpoint(region, { fips, dualStack }));
}

/** Throttling and server-side failures are worth another attempt; an answered 4xx is not. */
function retryable(error: unknown): boolean {
  if (!(error instanceof SecretsManagerError)) return true;
  if (error.clockSkewCorrected) return true;
  const status = error.$metadata.httpStatusCode;
  return status >= 500 || status === 429 || /Throttl|TooManyRequests|RequestLimitExceeded/.test(error.name);
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

/** The error type from an AWS JSON answer: `x-amzn-errortype` or `__type`, without namespace or URI suffix. */
function errorName(headers: Record<string, string>, body: { __type?: unknown; code?: unknown }): string {
  const raw = String(headers['x-amzn-errortype'] ?? body.__type ?? body.code ?? 'UnknownError');
  return raw.split(':')[0]!.split('#').pop() || 'UnknownError';
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
  const limits = target.limits ?? SECRETS_MANAGER_LIMITS;
  const body = JSON.stringify({ SecretId: secretId });
  const contentLength = String(Buffer.byteLength(body));
  let prepared: Promise<{ signer: SignatureV4; url: URL; http: AttemptDeadlineHttpHandler }> | undefined;
  /** Server time minus ours, once an error answer told it; until then the SQS client's. */
  let clockOffset: number | undefined;
  const prepare = async () => {
    const http = new AttemptDeadlineHttpHandler(limits);
    const region = target.region ?? (await shared.region());
    const signer = new SignatureV4({
      service: 'secretsmanager',
      region,
      credentials: target.credentials ?? shared.credentials,
      sha256: shared.sha256,
    });
    return { signer, http, url: await resolveEndpoint(target, shared, region, env) };
  };

  const attempt = async (): Promise<string | undefined> => {
    prepared ??= prepare().catch((error: unknown) => {
      prepared = undefined;
      throw error;
    });
    const { signer, url, http } = await prepared;
    const request = new HttpRequest({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'secretsmanager.GetSecretValue',
        host: url.host,
        // Not signed (SigV4 never signs it); names the caller in CloudTrail, where the SDK's would.
        'user-agent': USER_AGENT,
        'content-length': contentLength,
      },
      body,
    });
    const offsetUsed = clockOffset ?? shared.systemClockOffset ?? 0;
    const signed = await signer.sign(request, { signingDate: new Date(Date.now() + offsetUsed) });
    const { response } = await http.handle(signed as HttpRequest);
    // Read whole within the attempt's deadline by the handler, so a stalled body is retried, not waited on.
    const text = Buffer.from(response.body as Uint8Array).toString('utf8');
    if (response.statusCode < 200 || response.statusCode > 299) {
      // An error answer's Date is the server's clock (unless a cache in between aged it).
      const serverTime = Date.parse(response.headers.date ?? '');
      const sampled = !Number.isNaN(serverTime) && response.headers.age === undefined;
      if (sampled) clockOffset = serverTime - Date.now();
      const answer = parseErrorBody(text);
      throw new SecretsManagerError(
        errorName(response.headers, answer),
        String(answer.Message ?? answer.message ?? ''),
        { httpStatusCode: response.statusCode },
        sampled && Math.abs(clockOffset!) >= CLOCK_SKEW_MS && clockOffset !== offsetUsed,
      );
    }
    const { SecretString } = JSON.parse(text) as { SecretString?: unknown };
    return typeof SecretString === 'string' ? SecretString : undefined;
  };

  return async () => {
    for (let made = 1; ; made += 1) {
      try {
        return await attempt();
      } catch (error) {
        if (made >= limits.maxAttempts || !retryable(error)) throw error;
        // The SDK's standard back-off before a first retry: up to 100 ms, jittered.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 100));
      }
    }
  };
}
