/**
 * The Lambda handler, in process, against a real fauxqs server over HTTP. Failures come from real
 * sockets too: a closed port (SQS unreachable), a server that never answers, a queue that does not exist.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { localS3Client, localSqsClient } from '../../functions/runtime/local-aws';
import { lambdaContext, toProxyEvent } from '../../local/webhook-server';
import { createForwarderQueues } from '../../local/embedded-sqs';
import { readReceiverConfig } from '../../functions/core/receiver-config';
import { createReceiver } from '../../functions/runtime/create-receiver';
import { receiverDependencies } from '../../functions/runtime/receiver-dependencies';
import { baseAlert } from '../corpus/panther-payloads';
import { expectCorpusDelivered } from '../support/corpus-delivery';
import { startEmbeddedSecrets } from '../../local/embedded-secrets';
import {
  AUTH_HEADERS,
  invoke,
  loadHandler,
  startTestServers,
  TEST_SECRET,
  TEST_SECRET_ID,
  type Handler,
  type TestServers,
} from '../support/handler';
import { startFaultProxy } from '../support/fault-proxy';
import { blackHole, closedPort } from '../support/network';
import { until } from '../support/until';
import { withEnv } from '../support/with-env';
import { freshBucket, keysIn } from '../support/archive';
import { partitionByIso } from '../support/utc-partition';
import { attributesOf, drainQueue } from '../support/queue';

let servers: TestServers;
let endpoint: string;
let queueUrl: string;
let quarantineQueueUrl: string;
/** The environment every handler here starts from: real fauxqs, the embedded Secrets Manager. */
let base: Record<string, string>;

beforeAll(async () => {
  servers = await startTestServers();
  endpoint = servers.sqs['SQS endpoint']!;
  queueUrl = servers.sqs['Queue URL']!;
  quarantineQueueUrl = servers.sqs['Quarantine queue URL']!;
  base = { QUEUE_URL: queueUrl, AWS_ENDPOINT_URL_SQS: endpoint, AWS_ENDPOINT_URL_SECRETS_MANAGER: servers.secretsEndpoint };
});
afterAll(() => servers.stop());

const alertBody = (): Buffer => Buffer.from(JSON.stringify(baseAlert()));
const queueIsEmpty = async (url: string) => expect(await drainQueue(localSqsClient(endpoint), url, { idleReceives: 1 })).toEqual([]);

describe('receiver handler against a real SQS server', () => {
  let handler: Handler;
  beforeAll(() => {
    handler = loadHandler(base);
  });

  it('answers 200 for every valid payload, queued byte for byte with routing attributes; 400/413 and nothing queued for the rest', async () => {
    await expectCorpusDelivered(
      async (body) => {
        const result = await invoke(handler, body);
        expect(result.headers?.['content-type']).toBe('application/json');
        return { status: result.statusCode, body: result.body };
      },
      localSqsClient(endpoint),
      queueUrl,
    );
  });

  it('answers 500, never 2xx, when the event itself is malformed', async () => {
    const event = { body: 42, isBase64Encoded: true, headers: AUTH_HEADERS } as unknown as APIGatewayProxyEvent;
    const result = await handler(event, lambdaContext());
    expect(result.statusCode).toBe(500);
  });
});

describe('receiver handler when SQS fails', () => {
  it('answers 503 when nothing listens at the SQS endpoint', async () => {
    const handler = loadHandler({ ...base, AWS_ENDPOINT_URL_SQS: `http://127.0.0.1:${await closedPort()}` });
    const result = await invoke(handler, alertBody());
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body)).toEqual({ error: 'queue unreachable; retry later', requestId: expect.any(String) });
  });

  it('answers 502 when SQS refuses the message (the queue does not exist)', async () => {
    const handler = loadHandler({ ...base, QUEUE_URL: `${queueUrl}-missing` });
    const result = await invoke(handler, alertBody());
    expect(result.statusCode).toBe(502);
  });

  it('answers 503 before the Lambda timeout when SQS never answers', async () => {
    const hole = await blackHole();
    try {
      const handler = loadHandler({ ...base, AWS_ENDPOINT_URL_SQS: hole.endpoint, REQUEST_LOG: 'json' });
      const lines: string[] = [];
      const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => lines.push(String(chunk)) > 0);
      const started = Date.now();
      // 1.5 s left: the request's own deadline (DEADLINE_MARGIN_MS before the Lambda's) ends it, long before the SDK's timeouts.
      const result = await invoke(handler, alertBody(), lambdaContext(1_500)).finally(() => write.mockRestore());
      expect(result.statusCode).toBe(503);
      expect(Date.now() - started).toBeLessThan(1_400);
      // Its log line says so, with the time it really took.
      const record = JSON.parse(lines.join('').trim().split('\n').pop()!) as { reason: string; durationMs: number };
      expect(record.reason).toBe('timeout');
      expect(record.durationMs).toBeGreaterThanOrEqual(400);
    } finally {
      await hole.close();
    }
  });

  it('honours the standard AWS_ENDPOINT_URL and AWS_REGION when no endpoint is given (as in the Lambda)', async () => {
    const variables: Record<string, string> = {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: servers.secretsEndpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    };
    await withEnv(variables, async () => {
      const config = readReceiverConfig({
        QUEUE_URL: queueUrl,
        SECRET_ID: TEST_SECRET_ID,
        AUTH_HEADER_NAME: 'X-Panther-Webhook-Secret',
        INVALID_PAYLOADS: 'reject',
        REQUEST_LOG: 'off',
      });
      const handler = createReceiver(config, receiverDependencies(config));
      expect((await invoke(handler, alertBody())).statusCode).toBe(200);
    });
    expect(await drainQueue(localSqsClient(endpoint), queueUrl, { expected: 1 })).toHaveLength(1);
  });

  it('fails the cold start when QUEUE_URL is missing or not a URL', () => {
    expect(() => loadHandler({ ...base, QUEUE_URL: undefined as unknown as string })).toThrow(/QUEUE_URL/);
    expect(() => loadHandler({ ...base, QUEUE_URL: 'panther-alerts' })).toThrow(/QUEUE_URL/);
    expect(() => loadHandler({ ...base, INVALID_PAYLOADS: 'quarantine' })).toThrow(/QUARANTINE_QUEUE_URL/);
    expect(() => loadHandler({ ...base, INVALID_PAYLOADS: 'drop' })).toThrow(/INVALID_PAYLOADS/);
    expect(() => loadHandler({ ...base, AUTH_HEADER_NAME: 'Bad Header' })).toThrow(/AUTH_HEADER_NAME/);
    expect(() => loadHandler({ ...base, SECRET_ID: '' })).toThrow(/SECRET_ID/);
  });
});

describe('receiver handler authentication', () => {
  it('answers 401 without the header and 403 with a wrong value, and queues nothing', async () => {
    const handler = loadHandler({ ...base, INVALID_PAYLOADS: 'quarantine', QUARANTINE_QUEUE_URL: quarantineQueueUrl });
    expect((await invoke(handler, alertBody(), lambdaContext(), {})).statusCode).toBe(401);
    expect((await invoke(handler, alertBody(), lambdaContext(), { 'X-Panther-Webhook-Secret': 'wrong-wrong-wrong' })).statusCode).toBe(403);
    expect((await invoke(handler, Buffer.from('not json'), lambdaContext(), {})).statusCode).toBe(401);
    await queueIsEmpty(queueUrl);
    await queueIsEmpty(quarantineQueueUrl);
  });

  it('answers 503 when the secret cannot be read, and queues nothing', async () => {
    const handler = loadHandler({ ...base, AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${await closedPort()}` });
    const result = await invoke(handler, alertBody());
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body)).toEqual({ error: 'authentication unavailable; retry later', requestId: expect.any(String) });
    await queueIsEmpty(queueUrl);
  });

  it('accepts the old and the new value during a rotation window, only the new one after', async () => {
    const rotation = await startEmbeddedSecrets({ [TEST_SECRET_ID]: JSON.stringify({ current: TEST_SECRET }) });
    try {
      const withSecret = (value: string) => ({ 'X-Panther-Webhook-Secret': value });
      const next = 'the-next-webhook-secret-9876543210';
      const env = { ...base, AWS_ENDPOINT_URL_SECRETS_MANAGER: rotation.endpoint };

      // 1. Window open: the new value is current, the old one still accepted.
      rotation.put(TEST_SECRET_ID, JSON.stringify({ current: next, previous: TEST_SECRET }));
      const during = loadHandler(env);
      expect((await invoke(during, alertBody(), lambdaContext(), withSecret(TEST_SECRET))).statusCode).toBe(200);
      expect((await invoke(during, alertBody(), lambdaContext(), withSecret(next))).statusCode).toBe(200);

      // 2. Window closed: the old value is refused.
      rotation.put(TEST_SECRET_ID, JSON.stringify({ current: next }));
      const after = loadHandler(env);
      expect((await invoke(after, alertBody(), lambdaContext(), withSecret(next))).statusCode).toBe(200);
      expect((await invoke(after, alertBody(), lambdaContext(), withSecret(TEST_SECRET))).statusCode).toBe(403);
      expect(await drainQueue(localSqsClient(endpoint), queueUrl, { expected: 3 })).toHaveLength(3);
    } finally {
      await rotation.stop();
    }
  });
});

describe('receiver handler in quarantine mode', () => {
  it('quarantines an authenticated non-alert with its errors, answers 202, and leaves the alert queue alone', async () => {
    const handler = loadHandler({ ...base, INVALID_PAYLOADS: 'quarantine', QUARANTINE_QUEUE_URL: quarantineQueueUrl });
    const body = Buffer.from(JSON.stringify(baseAlert({ type: 'rule' })));
    const result = await invoke(handler, body);
    expect(result.statusCode).toBe(202);
    expect(JSON.parse(result.body)).toMatchObject({
      status: 'quarantined',
      error: 'not a Panther alert',
      details: [expect.stringContaining('type:')],
    });
    const [message] = await drainQueue(localSqsClient(endpoint), quarantineQueueUrl, { expected: 1 });
    expect(message!.Body).toBe(body.toString());
    expect(attributesOf(message!)).toMatchObject({ reason: 'not-an-alert' });
    await queueIsEmpty(queueUrl);
  });

  it('answers 5xx, never 2xx, when the quarantine queue cannot take it', async () => {
    const handler = loadHandler({ ...base, INVALID_PAYLOADS: 'quarantine', QUARANTINE_QUEUE_URL: `${quarantineQueueUrl}-missing` });
    expect((await invoke(handler, Buffer.from('not json'))).statusCode).toBe(502);
  });
});

describe('receiver handler logs', () => {
  it('writes one JSON line with EMF metrics per request, never the secret or an alert body', async () => {
    const marker = 'BODY-MARKER-7f3a';
    const lines: string[] = [];
    const capture = (chunk: unknown) => {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    };
    const spies = [
      jest.spyOn(process.stdout, 'write').mockImplementation(capture),
      jest.spyOn(process.stderr, 'write').mockImplementation(capture),
      ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
        jest.spyOn(console, level).mockImplementation((...args) => capture(args.join(' '))),
      ),
    ];
    try {
      const env = {
        ...base,
        REQUEST_LOG: 'json',
        METRICS_SCOPE: 'TestStack/Forwarder',
        INVALID_PAYLOADS: 'quarantine',
        QUARANTINE_QUEUE_URL: quarantineQueueUrl,
      };
      const body = (extra: Record<string, unknown>) =>
        Buffer.from(JSON.stringify(baseAlert({ title: marker, alertContext: { marker }, ...extra })));
      // One handler at a time: each reads its environment at its first send.
      const handler = loadHandler(env);
      const statuses = [
        (await invoke(handler, body({}))).statusCode, // 200
        (await invoke(handler, body({ severity: 'BAD' }))).statusCode, // 202 quarantined
        (await invoke(handler, Buffer.from(`${marker} not json`))).statusCode, // 202 quarantined
        (await invoke(handler, body({}), lambdaContext(), {})).statusCode, // 401
        (await invoke(handler, body({}), lambdaContext(), { 'X-Panther-Webhook-Secret': `${marker}-guess` })).statusCode, // 403
        (await invoke(handler, Buffer.alloc(0))).statusCode, // 400
        (await invoke(handler, Buffer.from(`"${marker}${'x'.repeat(1_100_000)}"`))).statusCode, // 413
        (await handler({ body: 7, isBase64Encoded: true, headers: AUTH_HEADERS } as never, lambdaContext())).statusCode, // 500
      ];
      const sqsDown = loadHandler({ ...env, AWS_ENDPOINT_URL_SQS: `http://127.0.0.1:${await closedPort()}` });
      statuses.push((await invoke(sqsDown, body({}))).statusCode); // 503
      const secretless = loadHandler({ ...env, AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${await closedPort()}` });
      statuses.push((await invoke(secretless, body({}))).statusCode); // 503 secret unavailable
      expect(statuses).toEqual([200, 202, 202, 401, 403, 400, 413, 500, 503, 503]);
      await drainQueue(localSqsClient(endpoint), queueUrl, { expected: 1 });
      await drainQueue(localSqsClient(endpoint), quarantineQueueUrl, { expected: 2 });

      const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(records.map((r) => r.status)).toEqual(statuses);
      expect(records.map((r) => r.outcome)).toEqual([
        'queued',
        'quarantined',
        'quarantined',
        'unauthorized',
        'unauthorized',
        'refused',
        'refused',
        'error',
        'enqueue-failed',
        'error',
      ]);
      expect(records[0]).toMatchObject({ alertId: 'b90c19e66e160e194a5b3b94ec27fb7c', severity: 'HIGH', type: 'RULE', Accepted: 1 });
      expect(records[0]!._aws).toMatchObject({
        CloudWatchMetrics: [{ Namespace: 'PantherAlertForwarder', Dimensions: [['Forwarder', 'Severity'], ['Forwarder']] }],
      });
      // Every metric is scoped to its deployment, so two forwarders in one account never mix.
      for (const r of records) expect(r.Forwarder).toBe('TestStack/Forwarder');
      // Each outcome counts in its EMF metric, split by the dimension the dashboard and alarms use.
      const metricOf = (r: Record<string, unknown>) =>
        (r._aws as { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }>; Dimensions: string[][] }> }).CloudWatchMetrics[0]!;
      expect(records.map((r) => metricOf(r).Metrics[0]!.Name)).toEqual([
        'Accepted',
        'Quarantined',
        'Quarantined',
        'Unauthorized',
        'Unauthorized',
        'Refused',
        'Refused',
        'Errors',
        'EnqueueFailures',
        'Errors',
      ]);
      for (const r of records) expect(r[metricOf(r).Metrics[0]!.Name]).toBe(1);
      expect(records[3]).toMatchObject({ Reason: 'unauthenticated' });
      expect(records[4]).toMatchObject({ Reason: 'forbidden' });
      expect(records[1]).toMatchObject({ Reason: 'not-an-alert' });
      for (const text of lines) {
        expect(text).not.toContain(TEST_SECRET);
        expect(text).not.toContain(marker);
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});

describe('receiver handler with a cached secret it cannot refresh', () => {
  it('keeps accepting alerts and writes the metric the SecretStale alarm watches (PantherAlertForwarder SecretStaleServed), never the secret', async () => {
    const proxy = await startFaultProxy(servers.secretsEndpoint);
    const lines: string[] = [];
    const realNow = Date.now;
    let shiftMs = 0;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + shiftMs);
    const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => lines.push(String(chunk)) > 0);
    const answers: number[] = [];
    try {
      const handler = loadHandler({ ...base, AWS_ENDPOINT_URL_SECRETS_MANAGER: proxy.endpoint, METRICS_SCOPE: 'TestStack/Forwarder' });
      answers.push((await invoke(handler, alertBody())).statusCode); // reads the secret and caches it
      proxy.plan([], 'error500');
      shiftMs = 5 * 60 * 1000 + 1; // past the five minutes after which the cache is refreshed
      answers.push((await invoke(handler, alertBody())).statusCode);
      expect(await until(() => lines.join('').includes('SecretStaleServed'), 5_000)).toBe(true);
    } finally {
      out.mockRestore();
      clock.mockRestore();
      await proxy.close();
    }
    expect(answers).toEqual([200, 200]);
    const records = lines
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toEqual([
      expect.objectContaining({
        level: 'WARN',
        Forwarder: 'TestStack/Forwarder',
        SecretStaleServed: 1,
        error: expect.stringMatching(/^cannot read the webhook secret/),
        _aws: expect.objectContaining({
          CloudWatchMetrics: [
            { Namespace: 'PantherAlertForwarder', Dimensions: [['Forwarder']], Metrics: [{ Name: 'SecretStaleServed', Unit: 'Count' }] },
          ],
        }),
      }),
    ]);
    expect(lines.join('')).not.toContain(TEST_SECRET);
    expect(await drainQueue(localSqsClient(endpoint), queueUrl, { expected: 2 })).toHaveLength(2);
  });
});

describe('receiver handler with routes', () => {
  it('answers 2xx only when the alert queue and every matching route took the alert', async () => {
    const routes = (queueUrl: string) => JSON.stringify([{ name: 'paging', queueUrl, severities: ['HIGH'] }]);
    const ok = loadHandler({ ...base, ROUTES: routes(servers.sqs['Dead-letter queue URL']!) });
    expect((await invoke(ok, alertBody())).statusCode).toBe(200);
    expect(await drainQueue(localSqsClient(endpoint), servers.sqs['Dead-letter queue URL']!, { expected: 1 })).toHaveLength(1);

    // The route's queue is missing: 502 so Panther retries, although the alert queue has it (at least once).
    const broken = loadHandler({ ...base, ROUTES: routes(`${queueUrl}-missing`) });
    expect((await invoke(broken, alertBody())).statusCode).toBe(502);
    // A LOW alert matches no route: nothing else is tried.
    expect((await invoke(broken, Buffer.from(JSON.stringify(baseAlert({ severity: 'LOW' }))))).statusCode).toBe(200);
    expect(await drainQueue(localSqsClient(endpoint), queueUrl, { expected: 3 })).toHaveLength(3);
  });

  it('answers with a receipt whose routes are exactly the queues that hold the alert, and logs the same request id', async () => {
    const sqs = localSqsClient(endpoint);
    const queues = await createForwarderQueues(sqs, { name: 'receipt', routes: ['paging', 'cspm'] });
    const routes = JSON.stringify([
      { name: 'paging', queueUrl: queues.routeQueueUrls.paging, severities: ['HIGH', 'CRITICAL'] },
      { name: 'cspm', queueUrl: queues.routeQueueUrls.cspm, types: ['POLICY'] },
    ]);
    const handler = loadHandler({ ...base, QUEUE_URL: queues.queueUrl, ROUTES: routes, REQUEST_LOG: 'json' });
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => lines.push(String(chunk)) > 0);
    const event = toProxyEvent({ method: 'POST', path: '/alerts', rawHeaders: Object.entries(AUTH_HEADERS).flat(), body: alertBody() });
    const result = await handler(event, lambdaContext()).finally(() => write.mockRestore());
    const receipt = JSON.parse(result.body) as { status: string; messageId: string; routes: string[]; requestId: string };
    expect(result.statusCode).toBe(200);
    expect(receipt.routes).toEqual(['paging']);

    const holding = [];
    for (const [name, url] of [['alerts', queues.queueUrl], ...Object.entries(queues.routeQueueUrls)] as const) {
      if ((await drainQueue(sqs, url!, { expected: 1, idleReceives: 1 })).length > 0) holding.push(name);
    }
    expect(holding).toEqual(['alerts', ...receipt.routes]);

    const record = JSON.parse(lines.join('').trim()) as Record<string, unknown>;
    expect(record).toMatchObject({ requestId: receipt.requestId, apiRequestId: event.requestContext.requestId, routes: ['paging'] });
  });

  it('fails the cold start on malformed ROUTES', () => {
    expect(() => loadHandler({ ...base, ROUTES: '[{"name":"x"}]' })).toThrow(/ROUTES/);
  });
});

describe('receiver handler with the archive', () => {
  it('writes every accepted alert to the archive itself, byte for byte with the attributes as metadata; nothing for a refusal or a quarantined body', async () => {
    const sqs = localSqsClient(endpoint);
    const s3 = localS3Client(endpoint);
    const bucket = await freshBucket(s3);
    const queues = await createForwarderQueues(sqs, { name: 'archived' });
    const handler = loadHandler({
      ...base,
      QUEUE_URL: queues.queueUrl,
      QUARANTINE_QUEUE_URL: queues.quarantineQueueUrl,
      INVALID_PAYLOADS: 'quarantine',
      ARCHIVE_BUCKET: bucket,
    });
    const createdAt = new Date(Date.now() - 60_000).toISOString();
    const body = Buffer.from(JSON.stringify(baseAlert({ severity: 'HIGH', createdAt }), null, 2));
    expect((await invoke(handler, body)).statusCode).toBe(200);
    expect((await invoke(handler, Buffer.from('{"not":"an alert"}'))).statusCode).toBe(202);
    expect((await invoke(handler, body, lambdaContext(), {})).statusCode).toBe(401);
    const [queued] = await drainQueue(sqs, queues.queueUrl, { expected: 1 });
    const keys = await keysIn(s3, bucket);
    const sha256 = createHash('sha256').update(body).digest('hex');
    expect(keys).toEqual([`alerts/${partitionByIso(Date.parse(createdAt))}${sha256}.json`]);
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: keys[0] }));
    expect(Buffer.from(await object.Body!.transformToByteArray())).toEqual(body);
    const { dedupKey, severity, type, detectionId, alertId } = attributesOf(queued!);
    expect(object.Metadata).toEqual({ dedupkey: dedupKey, severity, type, detectionid: detectionId, alertid: alertId });
    s3.destroy();
  });

  it('answers 502, never 2xx, when the archive cannot take the alert (the 2xx covers the archive too)', async () => {
    const handler = loadHandler({ ...base, ARCHIVE_BUCKET: 'no-such-archive-bucket' });
    const answer = await invoke(handler, alertBody());
    expect(answer.statusCode).toBe(502);
    await drainQueue(localSqsClient(endpoint), queueUrl, { idleReceives: 1 });
  });

  it('fails the cold start when ARCHIVE_BUCKET is not a bucket name', () => {
    expect(() => loadHandler({ ...base, ARCHIVE_BUCKET: 'Archive' })).toThrow(/ARCHIVE_BUCKET must be an S3 bucket name/);
  });
});
