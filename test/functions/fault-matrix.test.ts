/**
 * What Panther sees when a dependency misbehaves: the receiver (built as the handler module builds
 * it, with the real adapters) against a real fauxqs server and the embedded Secrets Manager, each
 * behind a fault proxy on 127.0.0.1. Every case asserts the status, an upper bound on the time, and
 * exactly what is on every queue. docs/operate.md's table "What Panther sees when…" is this matrix.
 */
import { CreateBucketCommand, DeleteObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, PurgeQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { readReceiverConfig } from '../../functions/core/receiver-config';
import {
  type AttemptLimits,
  type AwsClientTarget,
  S3_WRITE_LIMITS,
  SECRETS_MANAGER_LIMITS,
  SQS_LIMITS,
} from '../../functions/runtime/aws-client-options';
import { createReceiver, type ProxyHandler } from '../../functions/runtime/create-receiver';
import { deliveryPipeline } from '../../functions/runtime/deliver';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localS3Client, localSqsClient } from '../../functions/runtime/local-aws';
import { createSecretSource, REFRESH_BACKOFF_MS, readBudgetFor, SECRET_CACHE_MS } from '../../functions/runtime/secret-source';
import { EVENTS_LIMITS } from '../../functions/runtime/bus-sender';
import { secretsManagerReader } from '../../functions/runtime/secrets-manager-reader';
import { type EmbeddedBus, startEmbeddedBus } from '../../local/embedded-bus';
import { createForwarderQueues, type LocalQueues } from '../../local/embedded-sqs';
import { lambdaContext } from '../../local/webhook-server';
import { baseAlert } from '../../scripts/sample-alerts';
import { type Fault, type FaultProxy, startFaultProxy } from '../support/fault-proxy';
import { invoke, startTestServers, TEST_SECRET, TEST_SECRET_ID, type TestServers } from '../support/handler';
import { scaled, TENTH } from '../support/limits';
import { closedPort } from '../support/network';

let servers: TestServers;
let sqsProxy: FaultProxy;
let secretsProxy: FaultProxy;
let s3Proxy: FaultProxy;
let sqs: SQSClient;
let s3: S3Client;
let queues: LocalQueues;
const BUCKET = 'matrix-archive';

beforeAll(async () => {
  servers = await startTestServers();
  const endpoint = servers.sqs['SQS endpoint']!;
  sqs = localSqsClient(endpoint);
  s3 = localS3Client(endpoint);
  queues = await createForwarderQueues(sqs, { name: 'matrix', routes: ['paging'] });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  // fauxqs serves S3 on its SQS port: the archive's faults get a proxy of their own.
  [sqsProxy, secretsProxy, s3Proxy] = await Promise.all([
    startFaultProxy(endpoint),
    startFaultProxy(servers.secretsEndpoint),
    startFaultProxy(endpoint),
  ]);
});
afterAll(async () => {
  await Promise.all([sqsProxy.close(), secretsProxy.close(), s3Proxy.close()]);
  s3.destroy();
  await servers.stop();
});
beforeEach(() => {
  sqsProxy.plan([], 'pass');
  secretsProxy.plan([], 'pass');
  s3Proxy.plan([], 'pass');
});

const target = (endpoint: string, limits: AttemptLimits): AwsClientTarget => ({
  endpoint,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  limits,
});

/** Full scale (the clients' real deadlines), or a tenth of it, for a case that would wait on them. */
type Scale = 1 | typeof TENTH;

/**
 * A receiver through the proxies, on a clock the test can move (for the secret's cache), with its
 * clients' deadlines at `scale` (full by default).
 */
function receiver(
  options: {
    sqsEndpoint?: string;
    secretsEndpoint?: string;
    routeQueueUrl?: string;
    clock?: { now: number };
    maxStaleMs?: number;
    scale?: Scale;
    /** With the archive, written through this endpoint (the S3 proxy by default). */
    archive?: { endpoint?: string };
    /** With the event bus, put through this endpoint. */
    bus?: { endpoint: string };
  } = {},
): ProxyHandler {
  const scale = options.scale ?? 1;
  const secretsLimits = scaled(SECRETS_MANAGER_LIMITS, scale);
  const config = readReceiverConfig({
    QUEUE_URL: queues.queueUrl,
    QUARANTINE_QUEUE_URL: queues.quarantineQueueUrl,
    SECRET_ID: TEST_SECRET_ID,
    AUTH_HEADER_NAME: 'X-Panther-Webhook-Secret',
    ROUTES: JSON.stringify([
      { name: 'paging', queueUrl: options.routeQueueUrl ?? queues.routeQueueUrls.paging, severities: ['HIGH', 'CRITICAL'] },
    ]),
    REQUEST_LOG: 'off',
    ...(options.archive ? { ARCHIVE_BUCKET: BUCKET } : {}),
    ...(options.bus ? { EVENT_BUS_NAME: 'matrix-bus' } : {}),
  });
  const clock = options.clock ?? { now: Date.now() };
  const { deliver, sqs: sqsClient } = deliveryPipeline(
    config.archive,
    {
      sqs: target(options.sqsEndpoint ?? sqsProxy.endpoint, scaled(SQS_LIMITS, scale)),
      s3: target(options.archive?.endpoint ?? s3Proxy.endpoint, scaled(S3_WRITE_LIMITS, scale)),
      ...(options.bus ? { events: target(options.bus.endpoint, scaled(EVENTS_LIMITS, scale)) } : {}),
    },
    config.bus,
  );
  return createReceiver(config, {
    deliver,
    secrets: createSecretSource(
      secretsManagerReader(TEST_SECRET_ID, sqsClient.config, target(options.secretsEndpoint ?? secretsProxy.endpoint, secretsLimits)),
      { now: () => clock.now, maxStaleMs: options.maxStaleMs, readBudgetMs: readBudgetFor(secretsLimits) },
    ),
  });
}

const HIGH = Buffer.from(JSON.stringify(baseAlert({ severity: 'HIGH' })));

async function deliver(handler: ProxyHandler, body: Buffer = HIGH): Promise<{ status: number; ms: number; body: Record<string, unknown> }> {
  const started = performance.now();
  const result = await invoke(handler, body, lambdaContext());
  return { status: result.statusCode, ms: performance.now() - started, body: JSON.parse(result.body) };
}

/** How many messages each queue holds now (exact on fauxqs), emptying them for the next case. */
async function onQueues(): Promise<{ alerts: number; paging: number; quarantine: number }> {
  const count = async (url: string) => {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
  };
  const [alerts, paging, quarantine] = await Promise.all(
    [queues.queueUrl, queues.routeQueueUrls.paging!, queues.quarantineQueueUrl].map(count),
  );
  return { alerts: alerts!, paging: paging!, quarantine: quarantine! };
}

/** How many objects the archive holds now, emptying it for the next case. */
async function inArchive(): Promise<number> {
  const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  for (const { Key } of Contents) await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key }));
  return Contents.length;
}

/** The Lambda times out at 10 s; our answer must come before it (and Panther's patience). */
const LAMBDA_TIMEOUT_MS = 10_000;

describe('SQS misbehaving (secret healthy)', () => {
  it.each<[string, Fault[], Fault, number, number, { alerts: number; paging: number }, Scale]>([
    // case, faults for the first sends, then, status, upper bound (ms), queues after, deadlines' scale
    ['hangs once, then is healthy', ['hang'], 'pass', 200, 5_000, { alerts: 1, paging: 1 }, 1],
    ['answers 500 once', ['error500'], 'pass', 200, 2_000, { alerts: 1, paging: 1 }, 1],
    ['throttles once', ['throttle'], 'pass', 200, 2_000, { alerts: 1, paging: 1 }, 1],
    ['resets once', ['reset'], 'pass', 200, 2_000, { alerts: 1, paging: 1 }, 1],
    ['answers slowly (1 s)', [], 'slow', 200, 3_000, { alerts: 1, paging: 1 }, 1],
    // SQS stored the message, then its answer stalled: retried on a fresh connection, so a second copy.
    ['stalls after its headers once', ['stall-after-headers'], 'pass', 200, 5_000, { alerts: 2, paging: 2 }, 1],
    ['stalls mid-body once', ['stall-mid-body'], 'pass', 200, 5_000, { alerts: 2, paging: 2 }, 1],
    // Three attempts at a tenth of their deadline (6.5 s at full scale); the SDK's back-off between them is not scaled.
    ['stalls after its headers on every attempt', [], 'stall-after-headers', 503, 1_500, { alerts: 3, paging: 3 }, TENTH],
    ['hangs on every attempt', [], 'hang', 503, 1_500, { alerts: 0, paging: 0 }, TENTH],
    ['resets every connection', [], 'reset', 503, 2_000, { alerts: 0, paging: 0 }, 1],
    ['answers 500 every time', [], 'error500', 502, 2_000, { alerts: 0, paging: 0 }, 1],
    ['throttles every time', [], 'throttle', 502, 4_000, { alerts: 0, paging: 0 }, 1],
  ])(
    '%s: %s',
    async (_name, faults, then, status, withinMs, after, scale) => {
      const handler = receiver({ scale });
      await deliver(handler, Buffer.from(JSON.stringify(baseAlert({ severity: 'LOW' })))); // reads the secret, warms the client
      await onQueues();
      // Faults apply to the sends of this delivery only (the alert queue's and the route's run in parallel).
      sqsProxy.plan([...faults, ...faults], then);
      const answer = await deliver(handler);
      sqsProxy.plan([], 'pass');
      expect({ status: answer.status, fast: answer.ms < withinMs }).toEqual({ status, fast: true });
      expect(answer.ms).toBeLessThan(LAMBDA_TIMEOUT_MS - 1_000);
      expect(await onQueues()).toEqual({ ...after, quarantine: 0 });
    },
    30_000,
  );

  it('refuses connections: 503 at once, nothing queued', async () => {
    const answer = await deliver(receiver({ sqsEndpoint: `http://127.0.0.1:${await closedPort()}` }));
    expect(answer.status).toBe(503);
    expect(answer.ms).toBeLessThan(2_000);
    expect(await onQueues()).toEqual({ alerts: 0, paging: 0, quarantine: 0 });
  });

  it('one route queue down: 502 so Panther retries; the alert queue has its copy (at least once)', async () => {
    const answer = await deliver(receiver({ routeQueueUrl: `${queues.routeQueueUrls.paging}-gone` }));
    expect(answer.status).toBe(502);
    expect(answer.ms).toBeLessThan(2_000);
    expect(await onQueues()).toEqual({ alerts: 1, paging: 0, quarantine: 0 });
  });
});

/** What the deadline allows an archive write at a tenth of its limits: every attempt, and the back-offs between them. */
const TENTH_WORST_MS = S3_WRITE_LIMITS.maxAttempts * scaled(S3_WRITE_LIMITS, TENTH).attemptMs + 500;

describe('S3 (the archive) misbehaving, SQS healthy', () => {
  it.each<[string, Fault[], Fault, number, number, number]>([
    // case, faults for the first writes, then, status, upper bound (ms), objects written
    ['answers 503 SlowDown once', ['slow-down'], 'pass', 200, 2_000, 1],
    ['answers 500 once', ['error500'], 'pass', 200, 2_000, 1],
    ['resets once', ['reset'], 'pass', 200, 2_000, 1],
    ['hangs once, then is healthy', ['hang'], 'pass', 200, TENTH_WORST_MS, 1],
    // A PUT's answer has no body: its headers are the whole of it, so nothing is left to stall.
    ['stalls after its headers', [], 'stall-after-headers', 200, 2_000, 1],
    // The proxy answers for S3: the object is there already (a retry), which is the write's success.
    ['says the object is already there (412)', [], 'precondition-failed', 200, 2_000, 0],
    ['answers 503 SlowDown every time', [], 'slow-down', 502, 2_000, 0],
    ['answers 500 every time', [], 'error500', 502, 2_000, 0],
    ['hangs on every attempt', [], 'hang', 503, TENTH_WORST_MS, 0],
  ])(
    '%s: %s',
    async (_name, faults, then, status, withinMs, written) => {
      const handler = receiver({ archive: {}, scale: TENTH });
      s3Proxy.plan(faults, then);
      const answer = await deliver(handler);
      s3Proxy.plan([], 'pass');
      expect({ status: answer.status, fast: answer.ms < withinMs }).toEqual({ status, fast: true });
      // The queues took theirs in parallel: a failed archive write is retried by Panther (at least once).
      expect(await onQueues()).toEqual({ alerts: 1, paging: 1, quarantine: 0 });
      expect(await inArchive()).toBe(written);
    },
    15_000,
  );

  it('hangs on every attempt at the real time limits: 503 before the Lambda deadline', async () => {
    s3Proxy.plan([], 'hang');
    const answer = await deliver(receiver({ archive: {} }));
    expect(answer.status).toBe(503);
    expect(answer.ms).toBeLessThan(LAMBDA_TIMEOUT_MS - 1_000);
    expect(await onQueues()).toEqual({ alerts: 1, paging: 1, quarantine: 0 });
    expect(await inArchive()).toBe(0);
  }, 20_000);

  it('refuses connections: 503 at once', async () => {
    const answer = await deliver(receiver({ archive: { endpoint: `http://127.0.0.1:${await closedPort()}` }, scale: TENTH }));
    expect(answer.status).toBe(503);
    expect(answer.ms).toBeLessThan(2_000);
    expect(await onQueues()).toEqual({ alerts: 1, paging: 1, quarantine: 0 });
  });
});

describe('EventBridge (the bus) misbehaving, SQS healthy', () => {
  let bus: EmbeddedBus;
  let busProxy: FaultProxy;
  beforeAll(async () => {
    bus = await startEmbeddedBus();
    busProxy = await startFaultProxy(bus.endpoint);
  });
  afterAll(async () => {
    await busProxy.close();
    await bus.stop();
  });

  it.each<[string, Fault[], Fault, number, number, number]>([
    // case, faults for the first puts, then, status, upper bound (ms), events recorded
    ['throttles once', ['throttle'], 'pass', 200, 2_000, 1],
    ['answers 500 once', ['error500'], 'pass', 200, 2_000, 1],
    ['resets once', ['reset'], 'pass', 200, 2_000, 1],
    ['hangs once, then is healthy', ['hang'], 'pass', 200, TENTH_WORST_MS, 1],
    ['answers 500 every time', [], 'error500', 502, 2_000, 0],
    ['hangs on every attempt', [], 'hang', 503, TENTH_WORST_MS, 0],
  ])(
    '%s: %s',
    async (_name, faults, then, status, withinMs, recorded) => {
      const before = bus.events().length;
      const handler = receiver({ bus: { endpoint: busProxy.endpoint }, scale: TENTH });
      busProxy.plan(faults, then);
      const answer = await deliver(handler);
      busProxy.plan([], 'pass');
      expect({ status: answer.status, fast: answer.ms < withinMs }).toEqual({ status, fast: true });
      // The queues took theirs in parallel: a failed put is retried by Panther (at least once).
      expect(await onQueues()).toEqual({ alerts: 1, paging: 1, quarantine: 0 });
      expect(bus.events().length - before).toBe(recorded);
    },
    15_000,
  );

  it('refuses connections: 503 at once', async () => {
    const answer = await deliver(receiver({ bus: { endpoint: `http://127.0.0.1:${await closedPort()}` }, scale: TENTH }));
    expect(answer.status).toBe(503);
    expect(answer.ms).toBeLessThan(2_000);
    expect(await onQueues()).toEqual({ alerts: 1, paging: 1, quarantine: 0 });
  });
});

const STALLS: Fault[][] = [['stall-after-headers'], ['stall-mid-body']];

describe('Secrets Manager misbehaving', () => {
  it.each<[Fault, Scale]>([
    ['hang', 1],
    ['reset', 1],
    ['error500', 1],
    ['malformed', 1],
    ['stall-after-headers', TENTH],
    ['stall-mid-body', TENTH],
  ])(
    'with no value ever read, %s: 503 quickly, nothing queued (deadlines ×%s)',
    async (fault, scale) => {
      secretsProxy.plan([], fault);
      const answer = await deliver(receiver({ scale }));
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ error: 'authentication unavailable; retry later' });
      // Within the secret's read budget (two attempts and a margin: 3.5 s at full scale) and half a second.
      expect(answer.ms).toBeLessThan(readBudgetFor(scaled(SECRETS_MANAGER_LIMITS, scale)) + 500);
      expect(await onQueues()).toEqual({ alerts: 0, paging: 0, quarantine: 0 });
    },
    15_000,
  );

  it('with no value ever read, refused: 503 quickly', async () => {
    const answer = await deliver(receiver({ secretsEndpoint: `http://127.0.0.1:${await closedPort()}` }));
    expect(answer.status).toBe(503);
    expect(answer.ms).toBeLessThan(3_000);
  });

  it('with no value ever read and Secrets Manager hanging, a request without the header gets 401 at once', async () => {
    secretsProxy.plan([], 'hang');
    const started = performance.now();
    const answer = await invoke(receiver(), HIGH, lambdaContext(), {});
    expect(answer.statusCode).toBe(401);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it.each<Fault[]>([['hang'], ['reset'], ['error500'], ['malformed'], ...STALLS])(
    'with a cached secret past its refresh time, %s: the next alerts are 2xx, the first within 3 s, the second within 1 s',
    async (fault) => {
      const clock = { now: Date.now() };
      const handler = receiver({ clock });
      expect((await deliver(handler)).status).toBe(200);
      secretsProxy.plan([], fault);
      clock.now += SECRET_CACHE_MS + 1;
      const first = await deliver(handler);
      const second = await deliver(handler);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(first.ms).toBeLessThan(3_000);
      expect(second.ms).toBeLessThan(1_000);
      expect(await onQueues()).toEqual({ alerts: 3, paging: 3, quarantine: 0 });
    },
    15_000,
  );

  it.each<Fault[]>(STALLS)(
    'stalled (%s) while the cache is stale, then healed and rotated: alerts stay 2xx, and the new header is accepted within seconds (deadlines ×0.1)',
    async (stall) => {
      const clock = { now: Date.now() };
      const handler = receiver({ clock, scale: TENTH });
      expect((await deliver(handler)).status).toBe(200);
      secretsProxy.plan([], stall);
      clock.now += SECRET_CACHE_MS + 1;
      expect((await deliver(handler)).status).toBe(200);
      // The stalled refresh's attempts reach their deadlines.
      await new Promise((resolve) => setTimeout(resolve, readBudgetFor(scaled(SECRETS_MANAGER_LIMITS, TENTH))));
      secretsProxy.plan([], 'pass');
      const rotated = 'rotated-webhook-secret-0123456789';
      servers.putSecret(JSON.stringify({ current: rotated, previous: TEST_SECRET }));
      try {
        clock.now += REFRESH_BACKOFF_MS;
        const started = performance.now();
        const answer = await invoke(handler, HIGH, lambdaContext(), { 'X-Panther-Webhook-Secret': rotated });
        expect(answer.statusCode).toBe(200);
        expect(performance.now() - started).toBeLessThan(2_000);
      } finally {
        servers.putSecret(JSON.stringify({ current: TEST_SECRET }));
      }
      await onQueues();
    },
    20_000,
  );

  it('failing for longer than the cached secret is trusted: 503, nothing queued', async () => {
    const clock = { now: Date.now() };
    const maxStaleMs = 60 * 60 * 1000;
    const handler = receiver({ clock, maxStaleMs });
    expect((await deliver(handler)).status).toBe(200);
    await onQueues();
    secretsProxy.plan([], 'error500');
    clock.now += SECRET_CACHE_MS + maxStaleMs - 1;
    expect((await deliver(handler)).status).toBe(200);
    clock.now += 1;
    const answer = await deliver(handler);
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ error: 'authentication unavailable; retry later' });
    expect(await onQueues()).toEqual({ alerts: 1, paging: 1, quarantine: 0 });
  }, 15_000);
});
