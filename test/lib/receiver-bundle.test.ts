/**
 * The deployable artifact itself: `cdk synth` (the real CLI, offline) produces the receiver bundle;
 * the bundle, loaded on its own behind the local API Gateway stand-in, talks to a real SQS server.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startEmbeddedSecrets } from '../../local/embedded-secrets';
import { localSqsClient } from '../../functions/runtime/local-aws';
import { baseAlert } from '../corpus/panther-payloads';
import { withCdkValidationEnv } from '../support/cdk-validation';
import { expectCorpusDelivered } from '../support/corpus-delivery';
import { startFaultProxy } from '../support/fault-proxy';
import { postBody } from '../support/http';
import { blackHole, closedPort } from '../support/network';
import { authHeaderOf, ROOT, startLocalMode, stopAll } from '../support/processes';
import { drainQueue } from '../support/queue';

const outdir = mkdtempSync(join(tmpdir(), 'panther-synth-'));
let bundle: string;
let outboundConnects: string[];

/** Runs a command with the offline guard preloaded into every node process it starts; returns what it refused. */
async function underOfflineGuard(command: string, args: readonly string[]): Promise<string[]> {
  const log = join(outdir, `offline-guard-${Date.now()}.log`);
  writeFileSync(log, '');
  const guard = join(ROOT, 'test', 'support', 'offline-guard.cjs');
  await promisify(execFile)(command, args, {
    cwd: ROOT,
    // As a user's `cdk synth` runs: with aws-cdk-lib's CloudFormation validation (cdk.json makes its findings errors).
    env: withCdkValidationEnv({
      ...process.env,
      CDK_DISABLE_VERSION_CHECK: '1',
      OFFLINE_GUARD_LOG: log,
      NODE_OPTIONS: `--require ${JSON.stringify(guard)}`,
    }),
    timeout: 150_000,
  });
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

beforeAll(async () => {
  outboundConnects = await underOfflineGuard(join(ROOT, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--output', outdir]);
  const template = JSON.parse(readFileSync(join(outdir, 'PantherAlertForwarder.template.json'), 'utf8'));
  // The receiver: the function that reads the webhook secret.
  const fn = Object.values(
    template.Resources as Record<string, { Type: string; Properties: { Code: { S3Key: string }; Environment?: { Variables?: object } } }>,
  ).find((r) => r.Type === 'AWS::Lambda::Function' && 'SECRET_ID' in (r.Properties.Environment?.Variables ?? {}))!;
  bundle = join(outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`, 'index.js');
}, 180_000);

afterAll(async () => {
  await stopAll();
  rmSync(outdir, { recursive: true, force: true });
});

describe('cdk synth', () => {
  it('makes no network request (CDK_DISABLE_VERSION_CHECK=1 plus cdk.json opt-outs)', () => {
    expect(outboundConnects).toEqual([]);
  });

  it('would see one: the guard records a lookup and a connection in a child process, and lets loopback through', async () => {
    const script = [
      "require('node:dns').lookup('example.com', () => {});",
      "require('node:net').connect(443, '192.0.2.1').on('error', () => {});",
      "require('node:net').connect(9, '127.0.0.1').on('error', () => {});",
    ].join('');
    const seen = await underOfflineGuard(process.execPath, [
      '-e',
      `require('node:child_process').execFileSync(process.execPath, ['-e', ${JSON.stringify(script)}])`,
    ]);
    expect(seen.map((line) => line.replace(/^\d+ /, ''))).toEqual(['dns example.com', 'connect 192.0.2.1:443']);
  });

  it('bundles a standalone validator and no schema compiler', () => {
    const code = readFileSync(bundle, 'utf8');
    expect(code).toContain('must have required property'); // ajv's standalone output
    expect(code).not.toContain('schema with key or id'); // ajv's compiler (Ajv.compile / addSchema)
    expect(code).not.toContain('strictSchema');
  });
});

describe('the bundled receiver against a real SQS server', () => {
  it('queues every valid payload byte for byte, refuses the rest and queues nothing for them (reject mode)', async () => {
    const local = await startLocalMode({ INVALID_PAYLOADS: 'reject' }, ['--handler', bundle]);
    const sqs = localSqsClient(local.printed['SQS endpoint']!);
    const webhook = local.printed['Webhook URL']!;
    const auth = authHeaderOf(local);
    await expectCorpusDelivered((body) => postBody(webhook, body, auth), sqs, local.printed['Queue URL']!);
  });

  it('reads its secret from Secrets Manager through AWS_ENDPOINT_URL_SECRETS_MANAGER: 401/403 for strangers, nothing queued', async () => {
    const local = await startLocalMode({}, ['--handler', bundle]);
    const webhook = local.printed['Webhook URL']!;
    const [name] = Object.keys(authHeaderOf(local));
    expect((await postBody(webhook, JSON.stringify(baseAlert()))).status).toBe(401);
    expect((await postBody(webhook, JSON.stringify(baseAlert()), { [name!]: 'a-wrong-secret-value' })).status).toBe(403);
    expect((await postBody(webhook, 'not json', { [name!]: 'a-wrong-secret-value' })).status).toBe(403);
    const sqs = localSqsClient(local.printed['SQS endpoint']!);
    for (const queue of [local.printed['Queue URL']!, local.printed['Quarantine queue URL']!]) {
      expect(await drainQueue(sqs, queue, { idleReceives: 1 })).toEqual([]);
    }
  });

  it('quarantines an invalid payload in quarantine mode (the default) and answers 202', async () => {
    const local = await startLocalMode({}, ['--handler', bundle]);
    const body = JSON.stringify(baseAlert({ createdAt: 'yesterday' }));
    const answer = await postBody(local.printed['Webhook URL']!, body, authHeaderOf(local));
    expect(answer.status).toBe(202);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 'quarantined', details: [expect.stringContaining('createdAt')] });
    const [message] = await drainQueue(localSqsClient(local.printed['SQS endpoint']!), local.printed['Quarantine queue URL']!, {
      expected: 1,
    });
    expect(message!.Body).toBe(body);
  });

  it('answers 5xx within 25 s when SQS is unreachable, whether it refuses or hangs', async () => {
    const hole = await blackHole();
    try {
      for (const endpoint of [`http://127.0.0.1:${await closedPort()}`, hole.endpoint]) {
        const local = await startLocalMode(
          {
            QUEUE_URL: 'http://127.0.0.1/000000000000/panther-alerts',
            INVALID_PAYLOADS: 'reject',
            AWS_ENDPOINT_URL_SQS: endpoint,
            AWS_REGION: 'us-east-1',
            AWS_ACCESS_KEY_ID: 'local',
            AWS_SECRET_ACCESS_KEY: 'local',
          },
          ['--handler', bundle],
        );
        const started = Date.now();
        const answer = await postBody(local.printed['Webhook URL']!, JSON.stringify(baseAlert()), authHeaderOf(local));
        expect(answer.status).toBeGreaterThanOrEqual(500);
        expect(Date.now() - started).toBeLessThan(25_000);
        await local.stop();
      }
    } finally {
      await hole.close();
    }
  }, 60_000);

  it('with nothing cached and Secrets Manager stalling after its headers: 503 well before the Lambda timeout, then 200 once it heals', async () => {
    const secretId = 'bundle/stalled-secret';
    const secret = 'bundle-stall-secret-0123456789';
    const secrets = await startEmbeddedSecrets({ [secretId]: JSON.stringify({ current: secret }) });
    const proxy = await startFaultProxy(secrets.endpoint);
    try {
      proxy.plan([], 'stall-after-headers');
      const local = await startLocalMode({ SECRET_ID: secretId, AWS_ENDPOINT_URL_SECRETS_MANAGER: proxy.endpoint }, ['--handler', bundle]);
      const auth = { 'X-Panther-Webhook-Secret': secret };
      const started = Date.now();
      const stalled = await postBody(local.printed['Webhook URL']!, JSON.stringify(baseAlert()), auth);
      expect(stalled.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(5_000); // the Lambda times out at 10 s
      proxy.plan([], 'pass');
      expect((await postBody(local.printed['Webhook URL']!, JSON.stringify(baseAlert()), auth)).status).toBe(200);
      await local.stop();
    } finally {
      await proxy.close();
      await secrets.stop();
    }
  }, 30_000);
});
