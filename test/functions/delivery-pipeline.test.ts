/**
 * The one delivery pipeline (runtime/deliver.ts): its rule for one outcome over many targets, and
 * the three doors through it against a real fauxqs (SQS and S3) over HTTP: the webhook handler, the
 * inbox processor and local mode's HTTP server, given the same bodies, leave the same queue messages
 * and the same archive objects.
 */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryPlan } from '../../functions/core/delivery';
import { readInboxConfig, readReceiverConfig } from '../../functions/core/receiver-config';
import type { TargetOutcome } from '../../functions/core/webhook-core';
import { createInboxProcessor, inboxDependencies } from '../../functions/runtime/create-inbox-processor';
import { createReceiver } from '../../functions/runtime/create-receiver';
import { createDeliver, NO_BUS } from '../../functions/runtime/deliver';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localS3Client, localSqsClient } from '../../functions/runtime/local-aws';
import { receiverDependencies } from '../../functions/runtime/receiver-dependencies';
import { createForwarderQueues, createInboxQueue } from '../../local/embedded-sqs';
import { createWebhookServer, lambdaContext, refuseStrangers } from '../../local/webhook-server';
import { baseAlert, pantherExamples, VALID_CASES } from '../corpus/panther-payloads';
import { freshBucket, keysIn, receiveRecords } from '../support/archive';
import { startFaultProxy } from '../support/fault-proxy';
import { AUTH_HEADERS, invoke, startTestServers, TEST_SECRET_ID, type TestServers } from '../support/handler';
import { postBody } from '../support/http';
import { attributesOf, drainQueue } from '../support/queue';

describe('createDeliver', () => {
  const plan = (kinds: readonly ('queue' | 'archive')[]): DeliveryPlan => ({
    body: '{}',
    attributes: { severity: 'LOW', type: 'RULE', detectionId: 'd', dedupKey: 'k' },
    targets: kinds.map((kind, n) =>
      kind === 'queue'
        ? { kind, queueUrl: `http://q/${n}` }
        : { kind, bucket: 'b', object: { key: 'k', contentType: 'application/json', metadata: {} } },
    ) as unknown as DeliveryPlan['targets'],
    routes: [],
  });

  it('starts every target at once, and answers the primary queue’s message id only when all confirmed', async () => {
    const started: string[] = [];
    const release: (() => void)[] = [];
    const held = (name: string, outcome: TargetOutcome) => () => {
      started.push(name);
      return new Promise<TargetOutcome>((resolve) => release.push(() => resolve(outcome)));
    };
    let queues = 0;
    const deliver = createDeliver({
      queue: (target) => held(target.queueUrl, { ok: true, messageId: `m-${queues++}` })(),
      archive: held('archive', { ok: true }),
      bus: NO_BUS,
    });
    const answer = deliver(plan(['queue', 'queue', 'archive']));
    await new Promise((resolve) => setImmediate(resolve));
    // Nothing has answered yet, and all three are under way.
    expect(started).toEqual(['http://q/0', 'http://q/1', 'archive']);
    for (const go of release) go();
    expect(await answer).toEqual({ ok: true, messageId: 'm-0' });
  });

  it.each<[string, TargetOutcome[], TargetOutcome]>([
    [
      'a refused archive write fails the delivery',
      [
        { ok: true, messageId: 'm' },
        { ok: false, failure: 'refused', error: 'a' },
      ],
      { ok: false, failure: 'refused', error: 'a' },
    ],
    [
      'an unreachable target decides over a refusing one',
      [
        { ok: false, failure: 'refused', error: 'q' },
        { ok: false, failure: 'unreachable', error: 'a' },
      ],
      { ok: false, failure: 'unreachable', error: 'a' },
    ],
  ])('%s', async (_name, outcomes, expected) => {
    const [queue, archive] = outcomes as [TargetOutcome, TargetOutcome];
    const deliver = createDeliver({ queue: async () => queue, archive: async () => archive, bus: NO_BUS });
    expect(await deliver(plan(['queue', 'archive']))).toEqual(expected);
  });
});

describe('the three doors through the pipeline', () => {
  let servers: TestServers;
  let endpoint: string;
  let sqs: SQSClient;
  let s3: S3Client;

  beforeAll(async () => {
    servers = await startTestServers();
    endpoint = servers.sqs['SQS endpoint']!;
    sqs = localSqsClient(endpoint);
    s3 = localS3Client(endpoint);
  });
  afterAll(async () => {
    s3.destroy();
    sqs.destroy();
    await servers.stop();
  });

  const target = (at: string) => ({ endpoint: at, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const ROUTES = [{ name: 'paging', severities: ['HIGH', 'CRITICAL'] }];

  /** A door's own queues and bucket, and the environment naming them. */
  async function destination(name: string) {
    const queues = await createForwarderQueues(sqs, { name, routes: ['paging'] });
    const bucket = await freshBucket(s3);
    const env = {
      QUEUE_URL: queues.queueUrl,
      QUARANTINE_QUEUE_URL: queues.quarantineQueueUrl,
      ROUTES: JSON.stringify(ROUTES.map((route) => ({ ...route, queueUrl: queues.routeQueueUrls[route.name] }))),
      ARCHIVE_BUCKET: bucket,
      REQUEST_LOG: 'off',
    };
    return { queues, bucket, env };
  }

  /** What a door left: each queue's messages (body and attributes) and each object (name, bytes, metadata), in a stable order. */
  async function leftBy({ queues, bucket }: Awaited<ReturnType<typeof destination>>, count: number, paged: number) {
    const read = async (url: string, expected: number) =>
      (await drainQueue(sqs, url, { expected, idleReceives: 1 })).map((m) => ({ body: m.Body, attributes: attributesOf(m) })).sort(byBody);
    const objects = await Promise.all(
      (await keysIn(s3, bucket)).map(async (key) => {
        const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const bytes = Buffer.from(await got.Body!.transformToByteArray());
        // The partition of an alert filed by its arrival depends on when each door took it: compare names.
        const placedByArrival = got.Metadata?.placement === 'arrival';
        return {
          key: placedByArrival ? key.slice(key.lastIndexOf('/') + 1) : key,
          bytes: bytes.toString('base64'),
          metadata: got.Metadata,
        };
      }),
    );
    return {
      alerts: await read(queues.queueUrl, count),
      paging: await read(queues.routeQueueUrls.paging!, paged),
      objects: objects.sort((a, b) => a.key.localeCompare(b.key)),
    };
  }
  const byBody = (a: { body?: string }, b: { body?: string }) => String(a.body).localeCompare(String(b.body));

  it('leave the same queue messages and archive objects for the same bodies, each object named by its bytes’ SHA-256', async () => {
    const now = new Date(Date.now() - 60_000).toISOString();
    const bodies = [
      // Panther's SQS destination cannot send a raw U+FFFE/U+FFFF (SQS refuses it): the one body the inbox never sees.
      ...[...pantherExamples(), ...VALID_CASES].map((c) => c.body).filter((body) => !/[\uFFFE\uFFFF]/.test(body.toString('utf8'))),
      Buffer.from(JSON.stringify(baseAlert({ severity: 'CRITICAL', createdAt: now }))),
      Buffer.from(JSON.stringify(baseAlert({ severity: 'LOW', createdAt: now }), null, 2)),
    ];
    const paged = bodies.filter((body) =>
      ['HIGH', 'CRITICAL'].includes((JSON.parse(body.toString('utf8')) as { severity: string }).severity),
    ).length;

    // The webhook, as the Lambda runs it.
    const webhook = await destination('door-webhook');
    const receiverConfig = readReceiverConfig({ ...webhook.env, SECRET_ID: TEST_SECRET_ID, AUTH_HEADER_NAME: 'X-Panther-Webhook-Secret' });
    const receiverTargets = { sqs: target(endpoint), s3: target(endpoint), secretsManager: target(servers.secretsEndpoint) };
    const receiver = createReceiver(receiverConfig, receiverDependencies(receiverConfig, receiverTargets));
    for (const body of bodies) expect((await invoke(receiver, body)).statusCode).toBe(200);

    // The inbox, as Panther's SQS destination fills it and Lambda's event source drains it.
    const inboxOut = await destination('door-inbox');
    const inbox = await createInboxQueue(sqs, { name: 'door-inbox-queue' });
    for (const body of bodies) await sqs.send(new SendMessageCommand({ QueueUrl: inbox.queueUrl, MessageBody: body.toString('utf8') }));
    const inboxConfig = readInboxConfig(inboxOut.env);
    const processor = createInboxProcessor(inboxConfig, inboxDependencies(inboxConfig, { sqs: target(endpoint), s3: target(endpoint) }));
    const records = await receiveRecords(sqs, inbox.queueUrl, bodies.length);
    expect(await processor({ Records: records }, lambdaContext())).toEqual({ batchItemFailures: [] });

    // Local mode's HTTP server in front of the same handler, over real HTTP.
    const local = await destination('door-local');
    const localConfig = readReceiverConfig({ ...local.env, SECRET_ID: TEST_SECRET_ID, AUTH_HEADER_NAME: 'X-Panther-Webhook-Secret' });
    const localDependencies = receiverDependencies(localConfig, receiverTargets);
    const server = createWebhookServer({
      handler: createReceiver(localConfig, localDependencies),
      refuseStranger: refuseStrangers(localConfig.authHeaderName, localDependencies.secrets),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
      for (const body of bodies) expect((await postBody(url, body, AUTH_HEADERS)).status).toBe(200);
    } finally {
      server.closeAllConnections();
      server.close();
    }

    const [byWebhook, byInbox, byLocal] = await Promise.all([
      leftBy(webhook, bodies.length, paged),
      leftBy(inboxOut, bodies.length, paged),
      leftBy(local, bodies.length, paged),
    ]);
    expect(byWebhook.alerts).toHaveLength(bodies.length);
    expect(byWebhook.paging).toHaveLength(paged);
    expect(byWebhook.objects).toHaveLength(bodies.length);
    expect(byInbox).toEqual(byWebhook);
    expect(byLocal).toEqual(byWebhook);
    // Every object holds its queue message's exact bytes and is named by their hash, which is the message's dedupKey.
    for (const object of byWebhook.objects) {
      const bytes = Buffer.from(object.bytes, 'base64');
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      expect(object.key.endsWith(`${sha256}.json`)).toBe(true);
      const message = byWebhook.alerts.find((m) => m.body === bytes.toString('utf8'));
      expect(message?.attributes.dedupKey).toBe(sha256);
      expect(object.metadata?.dedupkey).toBe(sha256);
    }
  }, 60_000);

  it('writes once: every PUT carries If-None-Match: *, the body’s SHA-256 as its checksum and an unsigned payload, and a 412 (already there) is a success', async () => {
    const door = await destination('door-conditional');
    const proxy = await startFaultProxy(endpoint);
    const seen: Record<string, string | string[] | undefined>[] = [];
    proxy.onRequest((headers) => seen.push(headers));
    try {
      const config = readReceiverConfig({ ...door.env, SECRET_ID: TEST_SECRET_ID, AUTH_HEADER_NAME: 'X-Panther-Webhook-Secret' });
      const handler = createReceiver(
        config,
        receiverDependencies(config, {
          sqs: target(endpoint),
          s3: target(proxy.endpoint),
          secretsManager: target(servers.secretsEndpoint),
        }),
      );
      const body = Buffer.from(JSON.stringify(baseAlert({ createdAt: new Date().toISOString() })));
      expect((await invoke(handler, body)).statusCode).toBe(200);
      proxy.plan([], 'precondition-failed');
      expect((await invoke(handler, body)).statusCode).toBe(200);
      expect(seen).toHaveLength(2);
      const sha256 = createHash('sha256').update(body).digest('base64');
      for (const headers of seen) {
        expect(headers['if-none-match']).toBe('*');
        // S3 checks the bytes against it; a bucket under Object Lock refuses a PUT without a checksum.
        expect(headers['x-amz-checksum-sha256']).toBe(sha256);
        expect(headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
        expect(String(headers.authorization)).toMatch(/SignedHeaders=[^,]*if-none-match/);
      }
      expect(await keysIn(s3, door.bucket)).toHaveLength(1);
      await leftBy(door, 2, 0);
    } finally {
      await proxy.close();
    }
  });
});
