/**
 * What Panther sees when a dependency misbehaves: the receiver (built as the handler module builds
 * it, with the real adapters) against a real fauxqs server and the embedded Secrets Manager, each
 * behind a fault proxy on 127.0.0.1. Every case asserts the status, an upper bound on the time, and
 * exactly what is on every queue. docs/operate.md's table "What Panther sees when…" is this matrix.
 */
import { CreateBucketCommand, DeleteObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, PurgeQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { readReceiverConfig } from '../../functions/core/receiver-config';
import { type AttemptLimits, type AwsClientTarget, S3_WRITE_LIMITS } from '../../functions/runtime/aws-client-options';
import { createReceiver, type ProxyHandler } from '../../functions/runtime/create-receiver';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localS3Client, localSqsClient } from '../../functions/runtime/local-aws';
import { deliveryPipeline } from '../../functions/runtime/deliver';
import { createSecretSource, REFRESH_BACKOFF_MS, SECRET_CACHE_MS } from '../../functions/runtime/secret-source';
import { secretsManagerReader } from '../../functions/runtime/secrets-manager-reader';
import { type EmbeddedBus, startEmbeddedBus } from '../../local/embedded-bus';
import { createForwarderQueues, type LocalQueues } from '../../local/embedded-sqs';
import { lambdaContext } from '../../local/webhook-server';
import { baseAlert } from '../../scripts/sample-alerts';
import { type Fault, type FaultProxy, startFaultProxy } from '../support/fault-proxy';
import { invoke, startTestServers, TEST_SECRET, TEST_SECRET_ID, type TestServers } from '../support/handler';
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

const target = (endpoint: string): AwsClientTarget => ({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });

/** A receiver through the proxies, on a clock the test can move (for the secret's cache). */
function receiver(
  options: {
    sqsEndpoint?: string;
    secretsEndpoint?: string;
    routeQueueUrl?: string;
    clock?: { now: number };
    maxStaleMs?: number;
    /** With the archive, written through this endpoint under these limits. */
    archive?: { endpoint?: string; limits?: AttemptLimits };
    /** With the event bus, put through this endpoint under these limits. */
    bus?: { endpoint: string; limits?: AttemptLimits };
  } = {},
): ProxyHandler {
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
      sqs: target(options.sqsEndpoint ?? sqsProxy.endpoint),
      s3: {
        ...target(options.archive?.endpoint ?? s3Proxy.endpoint),
        ...(options.archive?.limits ? { limits: options.archive.limits } : {}),
      },
      ...(options.bus
        ? { events: { ...target(options.bus.endpoint), ...(options.bus.limits ? { limits: options.bus.limits } : {}) } }
        : {}),
    },
    config.bus,
  );
  return createReceiver(config, {
    deliver,
    secrets: createSecretSource(
      secretsManagerReader(TEST_SECRET_ID, sqsClient.config, target(options.secretsEndpoint ?? secretsProxy.endpoint)),
      { now: () => clock.now, maxStaleMs: options.maxStaleMs },
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
  it.each<[string, Fault[], Fault, number, number, { alerts: number; paging: number }]>([
    // case, faults for the first sends, then, status, upper bound (ms), queues after
    ['hangs once, then is healthy', ['hang'], 'pass', 200, 5_000, { alerts: 1, paging: 1 }],
    ['answers 500 once', ['error500'], 'pass', 200, 2_000, { alerts: 1, paging: 1 }],
    ['throttles once', ['throttle'], 'pass', 200, 2_000, { alerts: 1, paging: 1 }],
    ['resets once', ['reset'], 'pass', 200, 2_000, { alerts: 1, paging: 1 }],
    ['answers slowly (1 s)', [], 'slow', 200, 3_000, { alerts: 1, paging: 1 }],
    // SQS stored the message, then its answer stalled: retried on a fresh connection, so a second copy.
    ['stalls after its headers once', ['stall-after-headers'], 'pass', 200, 5_000, { alerts: 2, paging: 2 }],
    ['stalls mid-body once', ['stall-mid-body'], 'pass', 200, 5_000, { alerts: 2, paging: 2 }],
    ['stalls after its headers on every attempt', [], 'stall-after-headers', 503, 6_500, { alerts: 3, paging: 3 }],
    ['hangs on every attempt', [], 'hang', 503, 6_500, { alerts: 0, paging: 0 }],
    ['resets every connection', [], 'reset', 503, 2_000, { alerts: 0, paging: 0 }],
    ['answers 500 every time', [], 'error500', 502, 2_000, { alerts: 0, paging: 0 }],
    ['throttles every time', [], 'throttle', 502, 4_000, { alerts: 0, paging: 0 }],
  ])(
    '%s: %s',
    async (_name, faults, then, status, withinMs, after) => {
      const handler = receiver();
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

/** The archive's write at a tenth of its real time limits, so that the failing cases take a second, not ten. */
const TENTH: AttemptLimits = {
  connectMs: S3_WRITE_LIMITS.connectMs / 10,
  attemptMs: S3_WRITE_LIMITS.attemptMs / 10,
  maxAttempts: S3_WRITE_LIMITS.maxAttempts,
};
/** What the deadline allows a write at that scale: every attempt, and the back-offs between them. */
const TENTH_WORST_MS = TENTH.maxAttempts * TENTH.attemptMs + 500;

describe('S3 (the archive) misbehaving, SQS healthy', () => {
  it.each<[string, Fault[], Fault, number, number, number]>([
    // case, faults for the first writes, then, status, upper bound (ms), objects written
    ['answers 503 SlowDown once', ['slow-down'], 'pass', 200, 1_000, 1],
    ['answers 500 once', ['error500'], 'pass', 200, 1_000, 1],
    ['resets once', ['reset'], 'pass', 200, 1_000, 1],
    ['hangs once, then is healthy', ['hang'], 'pass', 200, TENTH_WORST_MS, 1],
    // A PUT's answer has no body: its headers are the whole of it, so nothing is left to stall.
    ['stalls after its headers', [], 'stall-after-headers', 200, 1_000, 1],
    // The proxy answers for S3: the object is there already (a retry), which is the write's success.
    ['says the object is already there (412)', [], 'precondition-failed', 200, 1_000, 0],
    ['answers 503 SlowDown every time', [], 'slow-down', 502, 1_500, 0],
    ['answers 500 every time', [], 'error500', 502, 1_500, 0],
    ['hangs on every attempt', [], 'hang', 503, TENTH_WORST_MS, 0],
  ])(
    '%s: %s',
    async (_name, faults, then, status, withinMs, written) => {
      const handler = receiver({ archive: { limits: TENTH } });
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
    const answer = await deliver(receiver({ archive: { endpoint: `http://127.0.0.1:${await closedPort()}` } }));
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
    ['throttles once', ['throttle'], 'pass', 200, 1_000, 1],
    ['answers 500 once', ['error500'], 'pass', 200, 1_000, 1],
    ['resets once', ['reset'], 'pass', 200, 1_000, 1],
    ['hangs once, then is healthy', ['hang'], 'pass', 200, TENTH_WORST_MS, 1],
    ['answers 500 every time', [], 'error500', 502, 1_500, 0],
    ['hangs on every attempt', [], 'hang', 503, TENTH_WORST_MS, 0],
  ])(
    '%s: %s',
    async (_name, faults, then, status, withinMs, recorded) => {
      const before = bus.events().length;
      const handler = receiver({ bus: { endpoint: busProxy.endpoint, limits: TENTH } });
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
    const answer = await deliver(receiver({ bus: { endpoint: `http://127.0.0.1:${await closedPort()}` } }));
    expect(answer.status).toBe(503);
    expect(answer.ms).toBeLessThan(2_000);
    expect(await onQueues()).toEqual({ alerts: 1, paging: 1, quarantine: 0 });
  });
});

const STALLS: Fault[][] = [['stall-after-headers'], ['stall-mid-body']];

describe('Secrets Manager misbehaving', () => {
  it.each<Fault[]>([['hang'], ['reset'], ['error500'], ['malformed'], ...STALLS])(
    'with no value ever read, %s: 503 quickly, nothing queued',
    async (fault) => {
      secretsProxy.plan([], fault);
      const answer = await deliver(receiver());
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ error: 'authentication unavailable; retry later' });
      expect(answer.ms).toBeLessThan(4_000);
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
    'stalled (%s) while the cache is stale, then healed and rotated: alerts stay 2xx, and the new header is accepted within seconds',
    async (stall) => {
      const clock = { now: Date.now() };
      const handler = receiver({ clock });
      expect((await deliver(handler)).status).toBe(200);
      secretsProxy.plan([], stall);
      clock.now += SECRET_CACHE_MS + 1;
      expect((await deliver(handler)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 3_500)); // the stalled refresh's attempts reach their deadlines
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
