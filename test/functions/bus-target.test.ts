/**
 * The EventBridge bus target through the real pipeline: both doors against fauxqs (SQS, S3) and the
 * recording bus (local/embedded-bus.ts) over HTTP on 127.0.0.1, and a fake PutEvents endpoint for
 * what EventBridge may answer that the recorder never does (a refused entry, a 500).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  BUS_ENTRY_LIMIT_BYTES,
  BUS_EVENT_DETAIL_TYPE,
  BUS_EVENT_SOURCE,
  busEntryBytes,
  DEDUP_RESOURCE_PREFIX,
} from '../../functions/core/bus-event';
import { readInboxConfig, readReceiverConfig } from '../../functions/core/receiver-config';
import { MAX_ATTRIBUTE_CHARS } from '../../functions/core/webhook-core';
import { createInboxProcessor, inboxDependencies } from '../../functions/runtime/create-inbox-processor';
import { createReceiver } from '../../functions/runtime/create-receiver';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localS3Client, localSqsClient } from '../../functions/runtime/local-aws';
import { receiverDependencies } from '../../functions/runtime/receiver-dependencies';
import { type EmbeddedBus, startEmbeddedBus } from '../../local/embedded-bus';
import { createForwarderQueues, createInboxQueue } from '../../local/embedded-sqs';
import { lambdaContext } from '../../local/webhook-server';
import { baseAlert, padTo, pantherExamples, VALID_CASES } from '../corpus/panther-payloads';
import { freshBucket, keysIn, receiveRecords } from '../support/archive';
import { invoke, startTestServers, TEST_SECRET_ID, type TestServers } from '../support/handler';
import { attributesOf, drainQueue } from '../support/queue';
import { type CapturedRequest, verifySigV4 } from '../support/sigv4-verifier';

const BUS = 'panther-alerts-test';

/** Whether a queue attribute is this value as SQS may carry it: at most MAX_ATTRIBUTE_CHARS, refused characters replaced. */
function sameAsAttribute(value: string, attribute: string): boolean {
  const kept = value.slice(0, MAX_ATTRIBUTE_CHARS);
  if (attribute.length !== kept.length) return false;
  return [...kept].every((character, n) => attribute[n] === character || attribute[n] === '\uFFFD');
}

describe('the bus target', () => {
  let servers: TestServers;
  let endpoint: string;
  let sqs: SQSClient;
  let bus: EmbeddedBus;

  beforeAll(async () => {
    [servers, bus] = await Promise.all([startTestServers(), startEmbeddedBus()]);
    endpoint = servers.sqs['SQS endpoint']!;
    sqs = localSqsClient(endpoint);
  });
  afterAll(async () => {
    sqs.destroy();
    await Promise.all([servers.stop(), bus.stop()]);
  });

  const target = (at: string) => ({ endpoint: at, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const recordedSince = (count: number) => bus.events().slice(count);

  /** A door's own queues and bucket, and the environment naming them and the bus. */
  async function destination(name: string) {
    const queues = await createForwarderQueues(sqs, { name });
    const s3 = localS3Client(endpoint);
    const bucket = await freshBucket(s3);
    s3.destroy();
    const env = {
      QUEUE_URL: queues.queueUrl,
      QUARANTINE_QUEUE_URL: queues.quarantineQueueUrl,
      ARCHIVE_BUCKET: bucket,
      EVENT_BUS_NAME: BUS,
      REQUEST_LOG: 'off',
    };
    return { queues, bucket, env };
  }

  function webhook(env: Record<string, string>, events: string) {
    const config = readReceiverConfig({ ...env, SECRET_ID: TEST_SECRET_ID, AUTH_HEADER_NAME: 'X-Panther-Webhook-Secret' });
    return createReceiver(
      config,
      receiverDependencies(config, {
        sqs: target(endpoint),
        s3: target(endpoint),
        secretsManager: target(servers.secretsEndpoint),
        events: { ...target(events), limits: { connectMs: 500, attemptMs: 1_000, maxAttempts: 2 } },
      }),
    );
  }

  it('puts every corpus alert from either door as one event: fixed source and detail-type, the body as detail, the queue’s attributes matchable', async () => {
    const bodies = [
      // Panther's SQS destination cannot send a raw U+FFFE/U+FFFF (SQS refuses it).
      ...[...pantherExamples(), ...VALID_CASES].map((c) => c.body).filter((body) => !/[\uFFFE\uFFFF]/.test(body.toString('utf8'))),
      Buffer.from(JSON.stringify(baseAlert({ severity: 'CRITICAL' }), null, 2)),
    ];
    const doorWebhook = await destination('bus-webhook');
    const before = bus.events().length;
    const receiver = webhook(doorWebhook.env, bus.endpoint);
    for (const body of bodies) expect((await invoke(receiver, body)).statusCode).toBe(200);
    const byWebhook = recordedSince(before);

    const doorInbox = await destination('bus-inbox');
    const inbox = await createInboxQueue(sqs, { name: 'bus-inbox-queue' });
    for (const body of bodies) await sqs.send(new SendMessageCommand({ QueueUrl: inbox.queueUrl, MessageBody: body.toString('utf8') }));
    const inboxConfig = readInboxConfig(doorInbox.env);
    const processor = createInboxProcessor(
      inboxConfig,
      inboxDependencies(inboxConfig, { sqs: target(endpoint), s3: target(endpoint), events: target(bus.endpoint) }),
    );
    const middle = bus.events().length;
    expect(await processor({ Records: await receiveRecords(sqs, inbox.queueUrl, bodies.length) }, lambdaContext())).toEqual({
      batchItemFailures: [],
    });
    const byInbox = bus.events().slice(middle);

    const messages = await drainQueue(sqs, doorWebhook.queues.queueUrl, { expected: bodies.length, idleReceives: 1 });
    expect(byWebhook).toHaveLength(bodies.length);
    expect(messages).toHaveLength(bodies.length);
    for (const [n, body] of bodies.entries()) {
      const { entry } = byWebhook[n]!;
      expect(entry).toEqual({
        EventBusName: BUS,
        Source: 'panther.alert-forwarder',
        DetailType: 'Panther Alert',
        Detail: expect.any(String),
        Resources: [expect.stringMatching(new RegExp(`^${DEDUP_RESOURCE_PREFIX}[0-9a-f]{64}$`))],
      });
      const detail = entry.Detail as string;
      expect(JSON.parse(detail)).toEqual(JSON.parse(body.toString('utf8')));
      // The queue message of the same body: the event's fields are its routing attributes.
      const message = messages.find((m) => m.Body === detail);
      expect(message).toBeDefined();
      const attributes = attributesOf(message!);
      const alert = JSON.parse(detail) as { severity: string; type: string; id: string };
      // The detail keeps each value whole; the queue's attribute is cut at MAX_ATTRIBUTE_CHARS, and a
      // character SQS refuses is replaced there by U+FFFD (webhook-core.ts).
      expect(attributes.severity).toBe(alert.severity);
      expect(sameAsAttribute(alert.type, attributes.type!)).toBe(true);
      expect(sameAsAttribute(alert.id, attributes.detectionId!)).toBe(true);
      expect(entry.Resources).toEqual([`${DEDUP_RESOURCE_PREFIX}${attributes.dedupKey}`]);
    }
    // The inbox put the same entries (in the order its batch was handled, which SQS does not fix).
    const sorted = (events: typeof byWebhook) => events.map((e) => JSON.stringify(e.entry)).sort();
    expect(sorted(byInbox)).toEqual(sorted(byWebhook));
  }, 60_000);

  it('puts an alert too big for an entry as its pointer event, and the receipt says so', async () => {
    const door = await destination('bus-oversize');
    const body = padTo(BUS_ENTRY_LIMIT_BYTES);
    const before = bus.events().length;
    const reply = await invoke(webhook(door.env, bus.endpoint), body);
    expect(reply.statusCode).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ status: 'queued', busEvent: 'pointer' });

    const [event] = recordedSince(before);
    const [message] = await drainQueue(sqs, door.queues.queueUrl, { expected: 1, idleReceives: 1 });
    const attributes = attributesOf(message!);
    const s3 = localS3Client(endpoint);
    const [key] = await keysIn(s3, door.bucket);
    s3.destroy();
    expect(event!.entry.Source).toBe('panther.alert-forwarder');
    expect(event!.entry.DetailType).toBe('Panther Alert');
    expect(JSON.parse(event!.entry.Detail as string)).toEqual({
      truncated: true,
      severity: attributes.severity,
      type: attributes.type,
      id: attributes.detectionId,
      ...(attributes.alertId === undefined ? {} : { alertId: attributes.alertId }),
      dedupKey: attributes.dedupKey,
      archiveUri: `s3://${door.bucket}/${key}`,
    });
    // The whole alert would not have fitted; its pointer does, with room to spare.
    const whole = { Source: BUS_EVENT_SOURCE, DetailType: BUS_EVENT_DETAIL_TYPE, Detail: body.toString('utf8'), Resources: [] } as const;
    expect(busEntryBytes(whole)).toBeGreaterThan(BUS_ENTRY_LIMIT_BYTES);
    expect(Buffer.byteLength(event!.entry.Detail as string)).toBeLessThan(2_048);
  }, 30_000);

  describe('against a fake PutEvents endpoint', () => {
    let fake: Server;
    let fakeEndpoint: string;
    let answer: { status: number; body: unknown };
    const seen: { target?: string; contentType?: string; body: string; request: CapturedRequest }[] = [];

    beforeAll(async () => {
      fake = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          seen.push({
            target: req.headers['x-amz-target'] as string,
            contentType: req.headers['content-type'],
            body: Buffer.concat(chunks).toString('utf8'),
            request: { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) },
          });
          res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(answer.body));
        });
      });
      await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
      fakeEndpoint = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => fake.close(() => resolve())));
    beforeEach(() => {
      seen.length = 0;
    });

    it('sends one signed AWS JSON 1.1 PutEvents whose Detail is the body byte for byte', async () => {
      answer = { status: 200, body: { FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] } };
      const door = await destination('bus-signed');
      // Laid out as no serializer would: a re-encoded detail could not equal it.
      const body = Buffer.from(JSON.stringify(baseAlert({ title: 'caf\u00e9 \u{1F600}' }), null, 3).replaceAll(': ', ' :  '));
      expect((await invoke(webhook(door.env, fakeEndpoint), body)).statusCode).toBe(200);
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ target: 'AWSEvents.PutEvents', contentType: 'application/x-amz-json-1.1' });
      // Judged by an independent SigV4 check, not by the signer that made it.
      const signature = verifySigV4(seen[0]!.request, LOCAL_CREDENTIALS.secretAccessKey);
      expect(signature).toMatchObject({ valid: true, accessKeyId: LOCAL_CREDENTIALS.accessKeyId });
      expect(signature.scope).toMatch(/^\d{8}\/us-east-1\/events\/aws4_request$/);
      expect(signature.signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-target', 'content-type']));
      const { Entries } = JSON.parse(seen[0]!.body) as { Entries: { Detail: string }[] };
      expect(Entries).toHaveLength(1);
      expect(Buffer.from(Entries[0]!.Detail, 'utf8').equals(body)).toBe(true);
    });

    it('answers the webhook a 5xx when PutEvents refuses the entry (FailedEntryCount 1 of 1)', async () => {
      answer = { status: 200, body: { FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'x' }] } };
      const door = await destination('bus-refused');
      const reply = await invoke(webhook(door.env, fakeEndpoint), Buffer.from(JSON.stringify(baseAlert())));
      expect(reply.statusCode).toBeGreaterThanOrEqual(500);
      expect(seen).toHaveLength(1);
    });

    it('answers the webhook a 5xx when EventBridge fails, after its retries', async () => {
      answer = { status: 500, body: { __type: 'InternalException', message: 'down' } };
      const door = await destination('bus-down');
      const reply = await invoke(webhook(door.env, fakeEndpoint), Buffer.from(JSON.stringify(baseAlert())));
      expect(reply.statusCode).toBeGreaterThanOrEqual(500);
      expect(seen).toHaveLength(2);
    });

    it('leaves the inbox’s record for a retry when PutEvents refuses the entry', async () => {
      answer = { status: 200, body: { FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'x' }] } };
      const door = await destination('bus-inbox-refused');
      const inbox = await createInboxQueue(sqs, { name: 'bus-inbox-refused-queue' });
      await sqs.send(new SendMessageCommand({ QueueUrl: inbox.queueUrl, MessageBody: JSON.stringify(baseAlert()) }));
      const config = readInboxConfig(door.env);
      const processor = createInboxProcessor(
        config,
        inboxDependencies(config, { sqs: target(endpoint), s3: target(endpoint), events: target(fakeEndpoint) }),
      );
      const records = await receiveRecords(sqs, inbox.queueUrl, 1);
      expect(await processor({ Records: records }, lambdaContext())).toEqual({
        batchItemFailures: [{ itemIdentifier: records[0]!.messageId }],
      });
    });
  });
});
