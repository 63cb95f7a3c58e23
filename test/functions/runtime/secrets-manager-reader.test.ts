/**
 * The hand-made GetSecretValue against the official Secrets Manager client, which is the oracle
 * here: both talk to the same capturing server on 127.0.0.1, and every request is judged by an
 * independent SigV4 check (test/support/sigv4-verifier.ts), which must accept the official client's
 * request before its verdict on ours counts.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type AwsClientTarget, awsClientOptions, SECRETS_MANAGER_LIMITS } from '../../../functions/runtime/aws-client-options';
import { describeError } from '../../../functions/runtime/errors';
import { createSqsClient } from '../../../functions/runtime/queue-sender';
import { secretsManagerEndpoint, secretsManagerReader, USER_AGENT } from '../../../functions/runtime/secrets-manager-reader';
import { type CapturedRequest, verifySigV4 } from '../../support/sigv4-verifier';

const SECRET_ID = 'panther/webhook-secret';
const SECRET_STRING = JSON.stringify({ current: 'a-webhook-secret-0123456789' });
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SESSION = { ...CREDENTIALS, sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE/session+token==' };

interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: string;
}

/** A loopback server that records each request and answers with the next reply of a plan (the last repeats). */
async function capturingServer(): Promise<{
  endpoint: string;
  requests: CapturedRequest[];
  plan(replies: Reply[]): void;
  close(): Promise<void>;
}> {
  const requests: CapturedRequest[] = [];
  let replies: Reply[] = [{ status: 200, body: JSON.stringify({ Name: SECRET_ID, SecretString: SECRET_STRING }) }];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      const reply = replies.length > 1 ? replies.shift()! : replies[0]!;
      res.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.1', ...reply.headers }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    plan: (next) => {
      replies = next;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

let server: Awaited<ReturnType<typeof capturingServer>>;
beforeEach(async () => {
  server = await capturingServer();
});
afterEach(() => server.close());

const target = (credentials: AwsClientTarget['credentials'] = CREDENTIALS, region = 'eu-west-1'): AwsClientTarget => ({
  endpoint: server.endpoint,
  region,
  credentials,
});

/** Ours, borrowing from an SQS client as the receiver does. */
function ours(t: AwsClientTarget = target()) {
  return secretsManagerReader(SECRET_ID, createSqsClient(t).config, t, {});
}

/** The official client with the same limits. */
function official(t: AwsClientTarget = target()) {
  const client = new SecretsManagerClient(awsClientOptions(t, SECRETS_MANAGER_LIMITS));
  return async () => (await client.send(new GetSecretValueCommand({ SecretId: SECRET_ID }))).SecretString;
}

/** What must be the same in two requests for AWS to treat them alike. */
function essentials(request: CapturedRequest, secretAccessKey: string) {
  const check = verifySigV4(request, secretAccessKey);
  return {
    valid: check.valid,
    accessKeyId: check.accessKeyId,
    scope: check.scope.split('/').slice(1).join('/'),
    signsToken: check.signedHeaders.includes('x-amz-security-token'),
    method: request.method,
    url: request.url,
    host: request.headers.host,
    contentType: request.headers['content-type'],
    target: request.headers['x-amz-target'],
    token: request.headers['x-amz-security-token'],
    body: JSON.parse(request.body.toString('utf8')),
  };
}

describe('secretsManagerReader, against the official client', () => {
  it.each([
    ['long-term credentials', CREDENTIALS],
    ['session credentials (as in Lambda)', SESSION],
  ])('sends the request the official client sends, correctly signed, and reads the same value (%s)', async (_, credentials) => {
    expect(await official(target(credentials))()).toBe(SECRET_STRING);
    expect(await ours(target(credentials))()).toBe(SECRET_STRING);
    const [theirs, mine] = server.requests.map((r) => essentials(r, credentials.secretAccessKey)) as [
      ReturnType<typeof essentials>,
      ReturnType<typeof essentials>,
    ];
    expect(theirs.valid).toBe(true);
    expect(mine).toEqual(theirs);
    expect(mine.scope).toBe('eu-west-1/secretsmanager/aws4_request');
    expect(server.requests[1]!.headers['user-agent']).toBe(USER_AGENT);
  });

  it('signs nothing the verifier would accept once the request is changed (the control for the verdicts above)', async () => {
    await official()();
    const request = server.requests[0]!;
    expect(verifySigV4(request, CREDENTIALS.secretAccessKey).valid).toBe(true);
    expect(verifySigV4({ ...request, body: Buffer.from(JSON.stringify({ SecretId: 'other' })) }, CREDENTIALS.secretAccessKey).valid).toBe(
      false,
    );
    expect(verifySigV4(request, 'another-secret-key').valid).toBe(false);
  });

  it.each([
    ['a missing secret', { status: 400, body: JSON.stringify({ __type: 'ResourceNotFoundException', message: 'no such secret' }) }],
    ['a denied read', { status: 400, body: JSON.stringify({ __type: 'AccessDeniedException', Message: 'not allowed' }) }],
    [
      'an error type in the header with a namespace and URI',
      { status: 400, headers: { 'x-amzn-errortype': 'DecryptionFailure:http://internal.amazon.com/' }, body: '{}' },
    ],
    [
      'throttling',
      { status: 400, body: JSON.stringify({ __type: 'com.amazonaws.secretsmanager#ThrottlingException', message: 'slow down' }) },
    ],
    ['a server error', { status: 500, body: JSON.stringify({ __type: 'InternalServiceError', message: 'oops' }) }],
  ] as Array<[string, Reply]>)(
    'fails as the official client does on %s: the same error name, the same number of attempts',
    async (_, reply) => {
      const outcome = async (read: () => Promise<unknown>) => {
        server.requests.length = 0;
        server.plan([reply]);
        const error = await read().then(
          () => undefined,
          (e: unknown) => e,
        );
        return {
          error: describeError(error),
          status: (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode,
          attempts: server.requests.length,
        };
      };
      const theirs = await outcome(official());
      expect(theirs.status).toBe(reply.status);
      expect(await outcome(ours())).toEqual(theirs);
    },
  );

  it('corrects a clock that is an hour off from the answer, as the official client does, and signs the retry with it', async () => {
    const outcome = async (read: () => Promise<unknown>) => {
      server.requests.length = 0;
      const serverClock = new Date(Date.now() + 3_600_000).toUTCString();
      server.plan([
        {
          status: 403,
          headers: { date: serverClock },
          body: JSON.stringify({ __type: 'InvalidSignatureException', message: 'Signature expired' }),
        },
        { status: 200, body: JSON.stringify({ SecretString: SECRET_STRING }) },
      ]);
      const value = await read();
      const signedAt = server.requests.map((r) =>
        Date.parse(String(r.headers['x-amz-date']).replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z')),
      );
      return {
        value,
        attempts: server.requests.length,
        retrySignedAnHourLater: Math.abs(signedAt[1]! - signedAt[0]! - 3_600_000) < 60_000,
      };
    };
    const theirs = await outcome(official());
    expect(theirs).toEqual({ value: SECRET_STRING, attempts: 2, retrySignedAnHourLater: true });
    expect(await outcome(ours())).toEqual(theirs);
  });

  it('retries once after a server error or an answer that is not JSON, and then reads the value', async () => {
    server.plan([
      { status: 503, body: '<html>Service Unavailable</html>' },
      { status: 200, body: JSON.stringify({ SecretString: SECRET_STRING }) },
    ]);
    expect(await ours()()).toBe(SECRET_STRING);
    expect(server.requests).toHaveLength(2);
  });

  it('tries its set-up again on the next read when it failed (a region that could not be resolved yet)', async () => {
    const noRegion = { endpoint: server.endpoint, credentials: CREDENTIALS };
    const shared = createSqsClient({ region: 'eu-west-1', credentials: CREDENTIALS }).config;
    let regionAsked = 0;
    const flaky = {
      ...shared,
      region: async () => {
        regionAsked += 1;
        if (regionAsked <= 2) throw new Error('region not available yet');
        return 'eu-west-1';
      },
    };
    const read = secretsManagerReader(SECRET_ID, flaky, noRegion, {});
    // Both attempts of the first read find the set-up failed; the next read sets up afresh.
    await expect(read()).rejects.toThrow('region not available yet');
    expect(await read()).toBe(SECRET_STRING);
    expect(server.requests).toHaveLength(1);
  });

  it('uses AWS_ENDPOINT_URL_SECRETS_MANAGER, then AWS_ENDPOINT_URL, when no endpoint is given', async () => {
    const other = await capturingServer();
    try {
      const noEndpoint = { region: 'us-east-1', credentials: CREDENTIALS };
      const shared = createSqsClient(noEndpoint).config;
      const env = { AWS_ENDPOINT_URL_SECRETS_MANAGER: server.endpoint, AWS_ENDPOINT_URL: other.endpoint };
      expect(await secretsManagerReader(SECRET_ID, shared, noEndpoint, env)()).toBe(SECRET_STRING);
      expect(await secretsManagerReader(SECRET_ID, shared, noEndpoint, { AWS_ENDPOINT_URL: other.endpoint })()).toBe(SECRET_STRING);
      expect([server.requests.length, other.requests.length]).toEqual([1, 1]);
    } finally {
      await other.close();
    }
  });
});

describe('secretsManagerEndpoint', () => {
  // One or more regions of every partition, and one no partition knows (the SDK falls back to aws's rules).
  const regions = [
    'us-east-1',
    'eu-central-2',
    'ca-west-1',
    'cn-north-1',
    'cn-northwest-1',
    'us-gov-west-1',
    'us-iso-east-1',
    'us-isob-east-1',
    'eu-isoe-west-1',
    'us-isof-south-1',
    'eusc-de-east-1',
    'xx-moon-1',
  ];
  const variants = [
    { fips: false, dualStack: false },
    { fips: true, dualStack: false },
    { fips: false, dualStack: true },
    { fips: true, dualStack: true },
  ];
  const endpointProvider = new SecretsManagerClient({ region: 'us-east-1' }).config.endpointProvider;
  const sdk = (region: string, { fips, dualStack }: { fips: boolean; dualStack: boolean }) => {
    try {
      return endpointProvider({ Region: region, UseFIPS: fips, UseDualStack: dualStack }).url.href.replace(/\/$/, '');
    } catch {
      return 'no endpoint';
    }
  };
  const mine = (region: string, variant: { fips: boolean; dualStack: boolean }) => {
    try {
      return secretsManagerEndpoint(region, variant);
    } catch {
      return 'no endpoint';
    }
  };

  it.each(regions)('gives the endpoint the SDK rules give in %s, for every FIPS and dual-stack setting', (region) => {
    const expected = variants.map((variant) => sdk(region, variant));
    expect(expected[0]).toMatch(/^https:\/\/secretsmanager\./);
    expect(variants.map((variant) => mine(region, variant))).toEqual(expected);
  });
});
