/**
 * One AWS API call as a SigV4-signed HTTP request, made with the SQS client's credentials, region and
 * hash and the signer and HTTP handler code it already loaded, instead of a second SDK client (a
 * second client's modules, configuration and endpoint rules cost a cold start about a fifth of the
 * whole: BENCHMARKS.md). The webhook secret's read (secrets-manager-reader.ts) and the archive's write
 * (archive-writer.ts) are made this way.
 *
 * What the SDK's standard retry strategy does, kept: each attempt under its own deadline (connect,
 * headers and body: attempt-deadline.ts), up to `maxAttempts`, throttling and 5xx and network failures
 * retried after a jittered back-off, an answered 4xx not; a clock found minutes off the server's is
 * corrected and the request signed again.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { HttpRequest } from '@smithy/core/transport';
import { SignatureV4 } from '@smithy/signature-v4';
import { AttemptDeadlineHttpHandler } from './attempt-deadline';
import type { AttemptLimits, AwsClientTarget } from './aws-client-options';

/** What a signed request borrows from the SQS client's resolved configuration (one credential chain, resolved once). */
export type SharedClientConfig = Pick<
  SQSClient['config'],
  'credentials' | 'region' | 'sha256' | 'useFipsEndpoint' | 'useDualstackEndpoint' | 'systemClockOffset'
>;

/** An error an AWS service answered with, named as the SDK names it (e.g. ResourceNotFoundException, SlowDown). */
export class AwsServiceError extends Error {
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

/** An answer the caller takes: a 2xx, or a status it named as expected. Its body was read whole within the attempt. */
export interface AwsAnswer {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

/** One request's parts; the signer adds the date, the credentials' token and the signature. */
export interface RequestParts {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** Path below the endpoint's (empty, or starting with `/`), already encoded. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
}

export interface SignedRequestOptions {
  /** The signing name (`secretsmanager`, `s3`). */
  readonly service: string;
  readonly limits: AttemptLimits;
  /**
   * Where requests go, as the SDK resolves it: the target's endpoint, else this service's variable
   * (`AWS_ENDPOINT_URL_S3`…), else `AWS_ENDPOINT_URL`, else the region's endpoint for the variant the
   * SQS client resolved (FIPS, dual-stack).
   */
  readonly endpoint: {
    readonly variable: string;
    readonly regional: (region: string, variant: { readonly fips: boolean; readonly dualStack: boolean }) => URL;
    /** How a configured endpoint is addressed (S3: the bucket in the path); as it is by default. */
    readonly configured?: (configured: string) => URL;
  };
  /** Where the endpoint variables are read; the process's by default. */
  readonly env?: NodeJS.ProcessEnv;
  /** The error's name and message from an error answer (JSON for Secrets Manager, XML for S3). */
  readonly describeError: (headers: Readonly<Record<string, string>>, body: string) => { name: string; message: string };
  /** `UNSIGNED-PAYLOAD`: the body is not hashed (S3 over TLS, which protects it already); otherwise it is. */
  readonly unsignedPayload?: boolean;
  /** S3 signs the path as sent (already escaped once); every other service escapes it again. */
  readonly uriEscapePath?: boolean;
}

export type SignedRequest = (parts: RequestParts, options?: { signal?: AbortSignal; expected?: readonly number[] }) => Promise<AwsAnswer>;

/** As the SDK does: a clock this far off the server's fails signatures, so it is corrected and the request retried. */
const CLOCK_SKEW_MS = 240_000;

/** Throttling and server-side failures are worth another attempt; an answered 4xx is not. */
function retryable(error: unknown): boolean {
  if (!(error instanceof AwsServiceError)) return !(error instanceof Error && error.name === 'AbortError');
  if (error.clockSkewCorrected) return true;
  const status = error.$metadata.httpStatusCode;
  return (
    status >= 500 ||
    status === 429 ||
    /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown|ConditionalRequestConflict|RequestTimeout/.test(error.name)
  );
}

/** The SDK's standard back-off before a first retry: up to 100 ms, jittered; cut short by the caller's signal. */
function backOff(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.random() * 100);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export function signedRequest(
  shared: SharedClientConfig,
  target: AwsClientTarget,
  { service, limits, endpoint, env = process.env, describeError, unsignedPayload = false, uriEscapePath = true }: SignedRequestOptions,
): SignedRequest {
  let prepared: Promise<{ signer: SignatureV4; url: URL; http: AttemptDeadlineHttpHandler }> | undefined;
  /** Server time minus ours, once an error answer told it; until then the SQS client's. */
  let clockOffset: number | undefined;
  const resolveEndpoint = async (region: string): Promise<URL> => {
    const configured = target.endpoint ?? env[endpoint.variable] ?? env.AWS_ENDPOINT_URL;
    if (configured) return endpoint.configured?.(configured) ?? new URL(configured);
    const [fips, dualStack] = await Promise.all([shared.useFipsEndpoint(), shared.useDualstackEndpoint()]);
    return endpoint.regional(region, { fips, dualStack });
  };
  const prepare = async () => {
    const region = target.region ?? (await shared.region());
    const credentials = target.credentials ?? shared.credentials;
    const signer = new SignatureV4({ service, region, credentials, sha256: shared.sha256, uriEscapePath });
    const url = await resolveEndpoint(region);
    return { signer, http: new AttemptDeadlineHttpHandler(limits), url };
  };

  const attempt = async (parts: RequestParts, signal: AbortSignal | undefined, expected: readonly number[]): Promise<AwsAnswer> => {
    prepared ??= prepare().catch((error: unknown) => {
      prepared = undefined;
      throw error;
    });
    const { signer, url, http } = await prepared;
    const request = new HttpRequest({
      method: parts.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: `${url.pathname.replace(/\/$/, '')}${parts.path}` || '/',
      headers: {
        ...parts.headers,
        host: url.host,
        'content-length': String(typeof parts.body === 'string' ? Buffer.byteLength(parts.body) : parts.body.byteLength),
        ...(unsignedPayload ? { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } : {}),
      },
      body: parts.body,
    });
    const offsetUsed = clockOffset ?? shared.systemClockOffset ?? 0;
    const signed = await signer.sign(request, { signingDate: new Date(Date.now() + offsetUsed) });
    const { response } = await http.handle(signed as HttpRequest, signal === undefined ? {} : { abortSignal: signal });
    const body = response.body as Uint8Array;
    if ((response.statusCode >= 200 && response.statusCode <= 299) || expected.includes(response.statusCode)) {
      return { statusCode: response.statusCode, headers: response.headers, body };
    }
    // An error answer's Date is the server's clock (unless a cache in between aged it).
    const serverTime = Date.parse(response.headers.date ?? '');
    const sampled = !Number.isNaN(serverTime) && response.headers.age === undefined;
    if (sampled) clockOffset = serverTime - Date.now();
    const { name, message } = describeError(response.headers, Buffer.from(body).toString('utf8'));
    throw new AwsServiceError(
      name,
      message,
      { httpStatusCode: response.statusCode },
      // Corrected only when the answer showed our clock off by minutes from the offset this attempt used.
      sampled && Math.abs(clockOffset! - offsetUsed) >= CLOCK_SKEW_MS,
    );
  };

  return async (parts, { signal, expected = [] } = {}) => {
    for (let made = 1; ; made += 1) {
      try {
        return await attempt(parts, signal, expected);
      } catch (error) {
        if (made >= limits.maxAttempts || signal?.aborted || !retryable(error)) throw error;
        await backOff(signal);
        // The deadline came during the back-off: the failure that led here is the one to report.
        if (signal?.aborted) throw error;
      }
    }
  };
}
