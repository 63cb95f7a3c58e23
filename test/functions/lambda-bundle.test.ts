/**
 * The deployable bundle itself (dist/lambda/receiver/index.js, as cdk synth ships it), loaded in a
 * fresh Node.js process with nothing but a Lambda-like environment, against fauxqs and the embedded
 * Secrets Manager: what the build trims (credential sources Lambda never has, middy's stream
 * built-ins) must change nothing the function relies on. (test/lib/receiver-bundle.test.ts runs the
 * synthesized bundle behind the API Gateway stand-in; this one varies where credentials come from.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_REGION, localSqsClient } from '../../functions/runtime/local-aws';
import { baseAlert } from '../../scripts/sample-alerts';
import { alertEvent, startTestServers, TEST_SECRET_ID, type TestServers } from '../support/handler';
import { ROOT } from '../support/processes';
import { drainQueue } from '../support/queue';

/** Built by the test run's global setup (scripts/build-functions.ts). */
const BUNDLE = join(ROOT, 'dist', 'lambda', 'receiver', 'index.js');
let servers: TestServers;
let sqs: SQSClient;
let endpoint: string;
let queueUrl: string;
let home: string;

beforeAll(async () => {
  servers = await startTestServers();
  endpoint = servers.sqs['SQS endpoint']!;
  queueUrl = servers.sqs['Queue URL']!;
  sqs = localSqsClient(endpoint);
  home = mkdtempSync(join(tmpdir(), 'bundle-home-'));
});
afterAll(async () => {
  await servers.stop();
  rmSync(home, { recursive: true, force: true });
});

interface BundleRun {
  readonly status: number;
  readonly body: string;
  /** Whether Node.js had loaded web streams once the bundle was loaded, before any request. */
  readonly webStreamsAtLoad: boolean;
}

// Loads the bundle as the Lambda runtime would (require), then invokes it once.
const RUNNER = `
const { handler } = require(process.env.BUNDLE);
const webStreamsAtLoad = process.moduleLoadList.some((m) => m === 'NativeModule stream/web');
const deadline = Date.now() + 10000;
handler(JSON.parse(process.env.EVENT), { awsRequestId: 'bundle-test', getRemainingTimeInMillis: () => deadline - Date.now() })
  .then((r) => { process.stderr.write(JSON.stringify({ status: r.statusCode, body: r.body, webStreamsAtLoad }) + '\\n'); process.exit(0); });
`;

/** One cold start of the bundle with only these variables (and PATH), HOME empty, no instance metadata. */
async function runBundle(credentialEnv: Record<string, string>): Promise<BundleRun> {
  const event = alertEvent(Buffer.from(JSON.stringify(baseAlert())));
  const child = spawn(process.execPath, ['-e', RUNNER], {
    env: {
      PATH: process.env.PATH,
      HOME: home,
      BUNDLE,
      EVENT: JSON.stringify(event),
      QUEUE_URL: queueUrl,
      SECRET_ID: TEST_SECRET_ID,
      AUTH_HEADER_NAME: 'X-Panther-Webhook-Secret',
      INVALID_PAYLOADS: 'reject',
      REQUEST_LOG: 'off',
      AWS_REGION: LOCAL_REGION,
      AWS_ENDPOINT_URL_SQS: endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: servers.secretsEndpoint,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...credentialEnv,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 30_000,
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const last = stderr.trim().split('\n').pop() ?? '';
  if (code !== 0 || !last.startsWith('{')) throw new Error(`bundle run failed (${code}): ${stderr}`);
  return JSON.parse(last);
}

describe('the receiver bundle', () => {
  it('takes an alert with credentials from the environment, as in Lambda, without loading web streams at load', async () => {
    const run = await runBundle({ AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_SESSION_TOKEN: 'token' });
    expect(run).toMatchObject({ status: 200, webStreamsAtLoad: false });
    expect(await drainQueue(sqs, queueUrl, { expected: 1 })).toHaveLength(1);
  });

  it('passes over the credential sources it leaves out, to the container endpoint (as before the trim)', async () => {
    const asked: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      asked.push(req.headers);
      const expiration = new Date(Date.now() + 3_600_000).toISOString();
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ AccessKeyId: 'container', SecretAccessKey: 'container', Token: 'token', Expiration: expiration }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const run = await runBundle({
        AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${(server.address() as AddressInfo).port}/credentials`,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: 'container-token',
      });
      expect(run.status).toBe(200);
      expect(asked.length).toBeGreaterThanOrEqual(1);
      expect(asked[0]!.authorization).toBe('container-token');
      expect(await drainQueue(sqs, queueUrl, { expected: 1 })).toHaveLength(1);
    } finally {
      server.close();
    }
  });

  it('answers 503 (Panther retries) when no credentials can be had at all, and queues nothing', async () => {
    const run = await runBundle({});
    expect(run.status).toBe(503);
    expect(JSON.parse(run.body).error).toMatch(/authentication unavailable/);
    expect(await drainQueue(sqs, queueUrl, { expected: 0 })).toHaveLength(0);
  });

  it('leaves out the STS, SSO and sign-in clients that only the trimmed credential sources use; the CLI keeps them', () => {
    const operations = ['AssumeRoleWithWebIdentity', 'GetRoleCredentials'];
    const code = readFileSync(BUNDLE, 'utf8');
    for (const operation of [...operations, 'CreateToken']) expect(code).not.toContain(operation);
    expect(code).toContain('AWS_CONTAINER_CREDENTIALS_FULL_URI');
    // The CLI runs on laptops, with profiles and SSO: its bundle (built by npm ci / npm run build) keeps the whole chain.
    const cli = readFileSync(join(ROOT, 'dist', 'cli', 'panther-forwarder.js'), 'utf8');
    for (const operation of operations) expect(cli).toContain(operation);
  });
});
