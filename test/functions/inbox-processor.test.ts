/**
 * The inbox processor against a real fauxqs server over HTTP. Bodies reach it as Panther's Amazon SQS
 * destination sends them (SendMessage, body only, into an inbox queue) and as Lambda's event source
 * hands them over (local/sqs-event-source.ts); what it puts on the queues is compared with what the
 * webhook handler puts on its own copy of the same queues for the same bodies, and checked against
 * the bodies themselves (bytes, SHA-256, severity, type) computed here.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { isUtf8 } from 'node:buffer';
import { GetQueueAttributesCommand, type Message, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { readInboxConfig } from '../../functions/core/receiver-config';
import { createInboxProcessor, inboxDependencies, type SqsBatchHandler } from '../../functions/runtime/create-inbox-processor';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localS3Client, localSqsClient } from '../../functions/runtime/local-aws';
import { createForwarderQueues, createInboxQueue } from '../../local/embedded-sqs';
import { type BatchResult, sqsRecordOf, startSqsEventSource } from '../../local/sqs-event-source';
import { lambdaContext } from '../../local/webhook-server';
import { baseAlert, type CorpusCase, INVALID_CASES, padTo, pantherExamples, VALID_CASES } from '../corpus/panther-payloads';
import { invoke, loadHandler, startTestServers, type TestServers } from '../support/handler';
import { blackHole } from '../support/network';
import { ROOT } from '../support/processes';
import { freshBucket, keysIn } from '../support/archive';
import { partitionByIso } from '../support/utc-partition';
import { attributesOf, drainQueue } from '../support/queue';

let servers: TestServers;
let endpoint: string;
let sqs: SQSClient;

beforeAll(async () => {
  servers = await startTestServers();
  endpoint = servers.sqs['SQS endpoint']!;
  sqs = localSqsClient(endpoint);
});
afterAll(() => servers.stop());

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const json = (value: unknown) => JSON.stringify(value);
const ROUTE_FILTERS = [
  { name: 'paging', severities: ['HIGH', 'CRITICAL'] },
  { name: 'rules', types: ['RULE'] },
];

/** A full set of the stack's queues (alert queue, routes, quarantine) and the environment that names them. */
async function queueSet(name: string, fifo = false) {
  const queues = await createForwarderQueues(sqs, { name, fifo, routes: ROUTE_FILTERS.map((route) => route.name) });
  const env = {
    QUEUE_URL: queues.queueUrl,
    QUARANTINE_QUEUE_URL: queues.quarantineQueueUrl,
    ROUTES: json(ROUTE_FILTERS.map((route) => ({ ...route, queueUrl: queues.routeQueueUrls[route.name] }))),
  };
  return { ...queues, env };
}

/** The processor as functions/inbox-processor.ts builds it, from these variables, talking to `sqsEndpoint`. */
function processorFor(env: Record<string, string>, sqsEndpoint = endpoint): SqsBatchHandler {
  const config = readInboxConfig({ REQUEST_LOG: 'off', ...env });
  return createInboxProcessor(
    config,
    inboxDependencies(config, {
      sqs: { endpoint: sqsEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS },
      s3: { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS },
    }),
  );
}

let inboxes = 0;
/** A fresh inbox whose received messages come back after one second (the stack's is longer). */
async function freshInbox() {
  inboxes += 1;
  return createInboxQueue(sqs, { name: `test-inbox-${inboxes}`, visibilityTimeoutSeconds: 1 });
}

/** What Panther's Amazon SQS destination does with an alert: SendMessage, the body and nothing else. */
async function sendToInbox(queueUrl: string, body: string): Promise<string> {
  return (await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }))).MessageId!;
}

/** One receive of `count` messages, as the event source would hand them to the function. */
async function receiveEvent(queueUrl: string, count: number): Promise<SQSEvent> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }),
  );
  expect(Messages).toHaveLength(count);
  return { Records: Messages.map((message) => sqsRecordOf(message, Attributes!.QueueArn!)) };
}

/** Runs the processor on the inbox through the local event source until `done` holds (bounded); returns what it answered. */
async function drive(
  queueUrl: string,
  processor: SqsBatchHandler,
  done: (batches: readonly BatchResult[]) => boolean | Promise<boolean>,
  timeoutMs = 30_000,
) {
  const batches: BatchResult[] = [];
  const answers: { event: SQSEvent; answer: SQSBatchResponse }[] = [];
  const handler = async (event: SQSEvent, context: Context) => {
    const answer = await processor(event, context);
    answers.push({ event, answer });
    return answer;
  };
  const source = await startSqsEventSource(sqs, [{ queueUrl, handler, timeoutMs: 30_000 }], {
    waitTimeSeconds: 1,
    onBatch: (batch) => batches.push(batch),
  });
  try {
    for (const deadline = Date.now() + timeoutMs; !(await done(batches)) && Date.now() < deadline; )
      await new Promise((r) => setTimeout(r, 50));
  } finally {
    await source.stop();
  }
  return { batches, answers };
}

/** The messages' own bytes and everything SQS holds beside them, sorted, for comparing two queues. */
function contents(messages: readonly Message[]) {
  return messages
    .map((m) => ({
      body: m.Body,
      attributes: attributesOf(m),
      messageGroupId: m.Attributes?.MessageGroupId,
      deduplicationId: m.Attributes?.MessageDeduplicationId,
    }))
    .sort((a, b) => (json(a) < json(b) ? -1 : 1));
}

/** Every message of these queues, by queue name. */
async function drainAll(urls: Record<string, string>, expected: Record<string, number>) {
  const entries = await Promise.all(
    Object.entries(urls).map(async ([name, url]) => [name, await drainQueue(sqs, url, { expected: (expected[name] ?? 0) + 1 })] as const),
  );
  return Object.fromEntries(entries);
}

describe.each([
  ['standard', false],
  ['FIFO', true],
])('the corpus through the inbox, %s queues downstream', (label, fifo) => {
  it('puts every alert where the webhook puts it, byte for byte with the same attributes, group and deduplication ids; the rest in the quarantine with its reasons', async () => {
    const inboxSide = await queueSet(`inbox-side-${label}`, fifo);
    const webhookSide = await queueSet(`webhook-side-${label}`, fifo);
    const webhook = loadHandler({
      ...webhookSide.env,
      INVALID_PAYLOADS: 'quarantine',
      AWS_ENDPOINT_URL_SQS: endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: servers.secretsEndpoint,
    });
    const inbox = await freshInbox();

    // Everything of the corpus an SQS message can carry: text (UTF-8), within SQS's character rule.
    const sent = new Map<string, CorpusCase>();
    const refusedByInbox: string[] = [];
    for (const c of [...pantherExamples(), ...VALID_CASES, ...INVALID_CASES].filter((c) => isUtf8(c.body))) {
      try {
        sent.set(await sendToInbox(inbox.queueUrl, c.body.toString('utf8')), c);
      } catch {
        refusedByInbox.push(c.name);
        continue;
      }
      expect({ name: c.name, status: (await invoke(webhook, c.body)).statusCode }).toEqual({
        name: c.name,
        status: c.status === 200 ? 200 : 202,
      });
    }
    // What Panther could never put on an SQS queue either.
    expect(refusedByInbox).toEqual(['a raw U+FFFF inside a string', 'empty body']);

    const { batches, answers } = await drive(
      inbox.queueUrl,
      processorFor(inboxSide.env),
      (b) => b.flatMap((x) => x.messageIds).length >= sent.size,
    );
    expect(answers.flatMap((a) => a.answer.batchItemFailures)).toEqual([]);
    expect(batches.flatMap((b) => b.messageIds).sort()).toEqual([...sent.keys()].sort());

    const alerts = [...sent.values()].filter((c) => c.status === 200);
    const parsed = alerts.map(
      (c) => JSON.parse(c.body.toString('utf8')) as { id: string; severity: string; type: string; alertId?: unknown },
    );
    const expected = {
      alerts: alerts.length,
      paging: parsed.filter((a) => ['HIGH', 'CRITICAL'].includes(a.severity)).length,
      rules: parsed.filter((a) => a.type === 'RULE').length,
      quarantine: sent.size - alerts.length,
    };
    const urls = (side: typeof inboxSide) => ({
      alerts: side.queueUrl,
      paging: side.routeQueueUrls.paging!,
      rules: side.routeQueueUrls.rules!,
      quarantine: side.quarantineQueueUrl,
    });
    const [fromInbox, fromWebhook] = [await drainAll(urls(inboxSide), expected), await drainAll(urls(webhookSide), expected)];

    // A FIFO queue keeps one of two equal bodies (same dedupKey): count distinct bodies there.
    const distinct = (bodies: readonly Buffer[]) => (fifo ? new Set(bodies.map((b) => b.toString('utf8'))).size : bodies.length);
    expect(fromInbox.alerts).toHaveLength(distinct(alerts.map((c) => c.body)));
    expect(fromInbox.paging).toHaveLength(
      distinct(alerts.filter((_, i) => ['HIGH', 'CRITICAL'].includes(parsed[i]!.severity)).map((c) => c.body)),
    );
    expect(fromInbox.rules).toHaveLength(distinct(alerts.filter((_, i) => parsed[i]!.type === 'RULE').map((c) => c.body)));
    expect(fromInbox.quarantine).toHaveLength(expected.quarantine);
    for (const name of Object.keys(expected))
      expect({ name, contents: contents(fromInbox[name]!) }).toEqual({ name, contents: contents(fromWebhook[name]!) });

    // And against the bodies themselves: the exact bytes, their SHA-256, the fields routing reads.
    for (const message of [...fromInbox.alerts!, ...fromInbox.paging!, ...fromInbox.rules!]) {
      const original = alerts.find((c) => c.body.equals(Buffer.from(message.Body!, 'utf8')));
      expect(original).toBeDefined();
      const alert = JSON.parse(message.Body!) as { severity: string; type: string };
      expect(attributesOf(message)).toEqual(
        expect.objectContaining({ severity: alert.severity, type: alert.type, dedupKey: sha256(message.Body!) }),
      );
      if (fifo) expect(message.Attributes?.MessageDeduplicationId).toBe(sha256(message.Body!));
    }
    for (const message of fromInbox.quarantine!) {
      const original = [...sent.values()].find((c) => c.body.equals(Buffer.from(message.Body!, 'utf8')));
      expect(original?.status).toBe(400);
      expect(JSON.parse(attributesOf(message).errors!).join('\n')).toContain(original!.mentions);
    }
  }, 120_000);
});

describe('the inbox processor', () => {
  it('logs one request line per record, marked as the inbox door with its sender, whose EMF metrics are the webhook’s (Accepted, Quarantined)', async () => {
    const queues = await queueSet('logged');
    const inbox = await freshInbox();
    const ids = [
      await sendToInbox(inbox.queueUrl, json(baseAlert({ severity: 'LOW' }))),
      await sendToInbox(inbox.queueUrl, '{"not":"an alert"}'),
    ];
    const event = await receiveEvent(inbox.queueUrl, 2);
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => lines.push(String(chunk)) > 0);
    const answer = await processorFor({ ...queues.env, REQUEST_LOG: 'json', METRICS_SCOPE: 'test-scope' })(event, lambdaContext()).finally(
      () => write.mockRestore(),
    );
    expect(answer).toEqual({ batchItemFailures: [] });
    const logged = lines.map(
      (line) => JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } },
    );
    const byMessage = Object.fromEntries(logged.map((line) => [line.messageId, line]));
    // Who sent each record, as SQS said: the principal Panther's destination writes as.
    const senders = Object.fromEntries(event.Records.map((record) => [record.messageId, record.attributes.SenderId]));
    expect(senders[ids[0]!]).toEqual(expect.any(String));
    expect(byMessage[ids[0]!]).toMatchObject({
      door: 'inbox',
      receiveCount: 1,
      senderId: senders[ids[0]!],
      outcome: 'queued',
      status: 200,
      severity: 'LOW',
      Forwarder: 'test-scope',
      Accepted: 1,
    });
    expect(byMessage[ids[1]!]).toMatchObject({
      door: 'inbox',
      receiveCount: 1,
      senderId: senders[ids[1]!],
      outcome: 'quarantined',
      status: 202,
      reason: 'not-an-alert',
      Quarantined: 1,
    });
    expect(logged.map((line) => line._aws.CloudWatchMetrics[0]!.Metrics[0]!.Name).sort()).toEqual(['Accepted', 'Quarantined']);
    expect(logged).toHaveLength(2);
  });

  it('writes an accepted alert to the archive when ARCHIVE_BUCKET is set, as the webhook does; a body that is not an alert stays out of it', async () => {
    const queues = await queueSet('archived');
    const s3 = localS3Client(endpoint);
    const bucket = await freshBucket(s3);
    const inbox = await freshInbox();
    const createdAt = new Date(Date.now() - 60_000).toISOString();
    const alert = json(baseAlert({ alertId: 'archived', createdAt }));
    await sendToInbox(inbox.queueUrl, alert);
    await sendToInbox(inbox.queueUrl, 'not an alert');
    const answer = await processorFor({ ...queues.env, ARCHIVE_BUCKET: bucket })(await receiveEvent(inbox.queueUrl, 2), lambdaContext());
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(await keysIn(s3, bucket)).toEqual([`alerts/${partitionByIso(Date.parse(createdAt))}${sha256(alert)}.json`]);
    s3.destroy();
  });

  it('reports only the record whose send failed; SQS delivers it again whole, and its copies carry one dedupKey', async () => {
    const queues = await queueSet('partial');
    // A route whose queue does not exist yet: its sends fail until the test creates it.
    const lateRouteUrl = queues.queueUrl.replace(/[^/]+$/, 'partial-late-route');
    const processor = processorFor({
      ...queues.env,
      ROUTES: json([{ name: 'critical', severities: ['CRITICAL'], queueUrl: lateRouteUrl }]),
    });
    const inbox = await freshInbox();
    const bodies = {
      low: json(baseAlert({ severity: 'LOW', alertId: 'low' })),
      critical: json(baseAlert({ severity: 'CRITICAL', alertId: 'critical' })),
      high: json(baseAlert({ severity: 'HIGH', alertId: 'high' })),
    };
    const ids = {
      low: await sendToInbox(inbox.queueUrl, bodies.low),
      critical: await sendToInbox(inbox.queueUrl, bodies.critical),
      high: await sendToInbox(inbox.queueUrl, bodies.high),
    };

    // Once the first attempt is over (the retry comes a second later), the route's queue appears.
    let created: Promise<{ queueUrl: string }> | undefined;
    const { answers } = await drive(inbox.queueUrl, processor, (batches) => {
      if (batches.length >= 1) created ??= createInboxQueue(sqs, { name: 'partial-late-route' });
      return batches.length >= 2;
    });
    expect((await created)?.queueUrl).toBe(lateRouteUrl);
    expect(answers[0]!.event.Records.map((r) => r.messageId)).toEqual([ids.low, ids.critical, ids.high]);
    expect(answers[0]!.answer).toEqual({ batchItemFailures: [{ itemIdentifier: ids.critical }] });
    // The retry: that record alone, its second receive, now taken by every queue.
    expect(answers[1]!.event.Records.map((r) => [r.messageId, r.attributes.ApproximateReceiveCount])).toEqual([[ids.critical, '2']]);
    expect(answers[1]!.answer).toEqual({ batchItemFailures: [] });

    // At least once: the alert queue, which took the first attempt, holds two copies of it.
    const onAlertQueue = await drainQueue(sqs, queues.queueUrl, { expected: 5 });
    expect(onAlertQueue.map((m) => m.Body).sort()).toEqual([bodies.critical, bodies.critical, bodies.high, bodies.low].sort());
    const copies = onAlertQueue.filter((m) => m.Body === bodies.critical);
    expect(new Set(copies.map((m) => m.MessageId)).size).toBe(2);
    // A consumer tells them apart from two alerts by the dedupKey, the same on both (the body's SHA-256).
    expect(copies.map((m) => attributesOf(m))).toEqual([attributesOf(copies[0]!), attributesOf(copies[0]!)]);
    expect(attributesOf(copies[0]!).dedupKey).toBe(sha256(bodies.critical));
    expect((await drainQueue(sqs, lateRouteUrl, { expected: 2 })).map((m) => m.Body)).toEqual([bodies.critical]);
    expect(await drainQueue(sqs, inbox.queueUrl, { idleReceives: 1 })).toEqual([]);
  });

  it('gives each record its own deadline before the Lambda’s: SQS that never answers fails the batch in time, every record reported', async () => {
    const queues = await queueSet('stalled');
    const inbox = await freshInbox();
    const ids = [await sendToInbox(inbox.queueUrl, json(baseAlert())), await sendToInbox(inbox.queueUrl, 'not json')];
    const event = await receiveEvent(inbox.queueUrl, 2);
    const hole = await blackHole();
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => lines.push(String(chunk)) > 0);
    try {
      const started = Date.now();
      // 1.5 s left: each record's deadline (DEADLINE_MARGIN_MS before the Lambda's) ends its sends.
      const answer = await processorFor({ ...queues.env, REQUEST_LOG: 'json' }, hole.endpoint)(event, lambdaContext(1_500));
      expect(Date.now() - started).toBeLessThan(1_400);
      expect(answer.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([...ids].sort());
    } finally {
      write.mockRestore();
      await hole.close();
    }
    const logged = lines.map((line) => JSON.parse(line) as { outcome: string; reason: string; level: string });
    expect(logged.map(({ outcome, reason, level }) => ({ outcome, reason, level }))).toEqual([
      { outcome: 'enqueue-failed', reason: 'timeout', level: 'ERROR' },
      { outcome: 'enqueue-failed', reason: 'timeout', level: 'ERROR' },
    ]);
  });

  it('leaves a body no queue can take whole (1 MiB: no room for its attributes) to its retries, then the inbox’s dead-letter queue, intact', async () => {
    const queues = await queueSet('poison');
    const inbox = await freshInbox();
    const body = padTo(1_048_576).toString('utf8');
    const id = await sendToInbox(inbox.queueUrl, body);
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => lines.push(String(chunk)) > 0);
    let dead: Message[];
    const deadLetters = async () => {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: inbox.deadLetterQueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      return Number(Attributes?.ApproximateNumberOfMessages);
    };
    try {
      // SQS moves it at the receive after its fifth: the event source keeps polling until then.
      const { batches } = await drive(
        inbox.queueUrl,
        processorFor({ ...queues.env, REQUEST_LOG: 'json' }),
        async () => (await deadLetters()) > 0,
        20_000,
      );
      expect(batches.map((batch) => batch.failed)).toEqual(Array.from({ length: 5 }, () => [id]));
      dead = await drainQueue(sqs, inbox.deadLetterQueueUrl, { expected: 1, maxMs: 10_000 });
    } finally {
      write.mockRestore();
    }
    expect(dead.map((m) => [m.MessageId, sha256(m.Body!)])).toEqual([[id, sha256(body)]]);
    // Refused at each of its 5 receives (maxReceiveCount), never forwarded nor quarantined.
    const logged = lines.map((line) => JSON.parse(line) as { messageId: string; receiveCount: number; outcome: string; reason: string });
    expect(logged.map(({ messageId, receiveCount, outcome, reason }) => ({ messageId, receiveCount, outcome, reason }))).toEqual(
      [1, 2, 3, 4, 5].map((receiveCount) => ({ messageId: id, receiveCount, outcome: 'refused', reason: 'too-large' })),
    );
    for (const url of [queues.queueUrl, queues.quarantineQueueUrl, inbox.queueUrl])
      expect(await drainQueue(sqs, url, { idleReceives: 1 })).toEqual([]);
  }, 40_000);

  it('fails its cold start on a missing or malformed setting, naming the variable', () => {
    expect(() => readInboxConfig({ QUEUE_URL: 'http://127.0.0.1/q' })).toThrow(/QUARANTINE_QUEUE_URL must be a queue URL/);
    expect(() => readInboxConfig({ QUARANTINE_QUEUE_URL: 'http://127.0.0.1/q' })).toThrow(/QUEUE_URL must be a queue URL/);
    const both = { QUEUE_URL: 'http://127.0.0.1/q', QUARANTINE_QUEUE_URL: 'http://127.0.0.1/quarantine' };
    expect(() => readInboxConfig({ ...both, REQUEST_LOG: 'yes' })).toThrow(/REQUEST_LOG must be json or off/);
    expect(() => readInboxConfig({ ...both, ROUTES: '[{"name":"x","severities":["URGENT"],"queueUrl":"http://127.0.0.1/x"}]' })).toThrow(
      /URGENT/,
    );
    expect(readInboxConfig(both)).toEqual({
      queueUrl: both.QUEUE_URL,
      quarantineQueueUrl: both.QUARANTINE_QUEUE_URL,
      routes: [],
      metricsScope: 'local',
      requestLog: true,
    });
  });
});

describe('the inbox processor bundle (dist/lambda/inbox-processor/index.js)', () => {
  it('loaded as Lambda loads it, forwards real Panther payloads from an SQS event as the source does', async () => {
    const queues = await queueSet('bundle');
    const inbox = await freshInbox();
    const examples = pantherExamples();
    for (const c of examples) await sendToInbox(inbox.queueUrl, c.body.toString('utf8'));
    await sendToInbox(inbox.queueUrl, '{"id":"no createdAt"}');
    const event = await receiveEvent(inbox.queueUrl, examples.length + 1);

    const runner = `
const { handler } = require(process.env.BUNDLE);
const deadline = Date.now() + 30000;
handler(JSON.parse(process.env.EVENT), { awsRequestId: 'bundle-test', getRemainingTimeInMillis: () => deadline - Date.now() })
  .then((answer) => { process.stderr.write(JSON.stringify(answer) + '\\n'); process.exit(0); });`;
    const child = spawn(process.execPath, ['-e', runner], {
      env: {
        PATH: process.env.PATH,
        BUNDLE: join(ROOT, 'dist', 'lambda', 'inbox-processor', 'index.js'),
        EVENT: json(event),
        ...queues.env,
        METRICS_SCOPE: 'bundle-scope',
        AWS_REGION: LOCAL_REGION,
        AWS_ENDPOINT_URL_SQS: endpoint,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let [stdout, stderr] = ['', ''];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
    expect(JSON.parse(stderr.trim().split('\n').pop()!)).toEqual({ batchItemFailures: [] });
    const logged = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { door: string; Forwarder: string; outcome: string });
    expect(logged.map((line) => [line.door, line.Forwarder])).toEqual(event.Records.map(() => ['inbox', 'bundle-scope']));

    const queued = await drainQueue(sqs, queues.queueUrl, { expected: examples.length + 1 });
    expect(queued.map((m) => m.Body).sort()).toEqual(examples.map((c) => c.body.toString('utf8')).sort());
    for (const message of queued) {
      const alert = JSON.parse(message.Body!) as { severity: string; type: string; id: string };
      expect(attributesOf(message)).toEqual(
        expect.objectContaining({ severity: alert.severity, type: alert.type, detectionId: alert.id, dedupKey: sha256(message.Body!) }),
      );
    }
    const [quarantined] = await drainQueue(sqs, queues.quarantineQueueUrl, { expected: 1 });
    expect(quarantined?.Body).toBe('{"id":"no createdAt"}');
    expect(attributesOf(quarantined!).reason).toBe('not-an-alert');
  });
});
