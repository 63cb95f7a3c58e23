/**
 * Local mode's stand-in for Lambda's SQS event source, on real fauxqs queues over HTTP: the event it
 * builds, what it deletes and what it leaves for the visibility timeout, and how it stops.
 */
import { GetQueueAttributesCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { localSqsClient } from '../../functions/runtime/local-aws';
import { createInboxQueue } from '../../local/embedded-sqs';
import { type BatchResult, type SqsEventSource, type SqsTriggeredHandler, startSqsEventSource } from '../../local/sqs-event-source';
import { startSqsServer, stopAll } from '../support/processes';

let sqs: SQSClient;
const sources: SqsEventSource[] = [];

beforeAll(async () => {
  const server = await startSqsServer();
  sqs = localSqsClient(server.printed['SQS endpoint']!);
});
afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.stop()));
});
afterAll(stopAll);

let queues = 0;
/** A fresh queue (with its dead-letter queue) whose received messages come back after one second. */
async function freshQueue(): Promise<string> {
  queues += 1;
  return (await createInboxQueue(sqs, { name: `event-source-${queues}`, visibilityTimeoutSeconds: 1 })).queueUrl;
}

async function send(queueUrl: string, body: string): Promise<string> {
  return (await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }))).MessageId!;
}

async function counts(queueUrl: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return { visible: Number(Attributes.ApproximateNumberOfMessages), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible) };
}

/** Starts a source polling these queues with one-second long polls, recording every invocation. */
async function start(triggers: { queueUrl: string; handler: SqsTriggeredHandler; timeoutMs?: number }[]) {
  const batches: BatchResult[] = [];
  const errors: unknown[] = [];
  const source = await startSqsEventSource(
    sqs,
    triggers.map((trigger) => ({ timeoutMs: 5_000, ...trigger })),
    { waitTimeSeconds: 1, onBatch: (batch) => batches.push(batch), onError: (_queue, error) => errors.push(error) },
  );
  sources.push(source);
  return { source, batches, errors };
}

/** Waits (at most `timeoutMs`) until the condition holds; returns whether it did. */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 50))) {
    if (await condition()) return true;
  }
  return condition();
}

describe('the SQS event source', () => {
  it('hands the handler the event Lambda builds: ids, body, system attributes, message attributes in Lambda spelling, the ARN', async () => {
    const queueUrl = await freshQueue();
    const events: SQSEvent[] = [];
    await start([{ queueUrl, handler: async (event) => void events.push(event) }]);
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: '{"hello":"world"}',
        MessageAttributes: {
          severity: { DataType: 'String', StringValue: 'HIGH' },
          blob: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 254]) },
        },
      }),
    );
    expect(await until(() => events.length === 1)).toBe(true);
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    const [record] = events[0]!.Records;
    expect(record).toEqual({
      messageId: sent.MessageId,
      receiptHandle: expect.any(String),
      body: '{"hello":"world"}',
      attributes: expect.objectContaining({
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d+$/),
        SenderId: expect.any(String),
      }),
      messageAttributes: {
        severity: { dataType: 'String', stringValue: 'HIGH', stringListValues: [], binaryListValues: [] },
        blob: { dataType: 'Binary', binaryValue: Buffer.from([0, 1, 254]).toString('base64'), stringListValues: [], binaryListValues: [] },
      },
      md5OfBody: sent.MD5OfMessageBody,
      md5OfMessageAttributes: sent.MD5OfMessageAttributes,
      eventSource: 'aws:sqs',
      eventSourceARN: Attributes!.QueueArn,
      awsRegion: 'us-east-1',
    });
  });

  it('deletes the records the handler did not report, and leaves the reported ones for the visibility timeout', async () => {
    const queueUrl = await freshQueue();
    const ids = { ok1: await send(queueUrl, 'ok 1'), bad: await send(queueUrl, 'fail'), ok2: await send(queueUrl, 'ok 2') };
    const seen: SQSEvent[] = [];
    const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
      seen.push(event);
      return { batchItemFailures: event.Records.filter((r) => r.body === 'fail').map((r) => ({ itemIdentifier: r.messageId })) };
    };
    const { batches } = await start([{ queueUrl, handler }]);
    expect(await until(() => batches.length >= 1)).toBe(true);
    expect(batches[0]).toMatchObject({ messageIds: [ids.ok1, ids.bad, ids.ok2], failed: [ids.bad] });
    // Only the failure is left, invisible until its visibility timeout (1 s) has passed...
    expect(await counts(queueUrl)).toEqual({ visible: 0, inFlight: 1 });
    // ...then delivered again, alone, as its second receive.
    expect(await until(() => seen.length >= 2)).toBe(true);
    expect(seen[1]!.Records.map((r) => [r.messageId, r.attributes.ApproximateReceiveCount])).toEqual([[ids.bad, '2']]);
  });

  it('deletes nothing when the handler throws, or names a record that is not in the batch (Lambda retries the whole batch)', async () => {
    for (const handler of [
      async () => {
        throw new Error('boom');
      },
      async () => ({ batchItemFailures: [{ itemIdentifier: 'not-a-message-of-this-batch' }] }),
    ]) {
      const queueUrl = await freshQueue();
      const ids = [await send(queueUrl, 'one'), await send(queueUrl, 'two')];
      const { batches } = await start([{ queueUrl, handler }]);
      expect(await until(() => batches.length >= 1)).toBe(true);
      expect(batches[0]!.failed).toEqual(ids);
      expect(batches[0]!.error).toEqual(expect.any(String));
      expect(await counts(queueUrl)).toEqual({ visible: 0, inFlight: 2 });
    }
  });

  it('counts a batch still running at the function timeout as failed, and goes on polling', async () => {
    const queueUrl = await freshQueue();
    const id = await send(queueUrl, 'slow');
    let calls = 0;
    const { batches } = await start([
      { queueUrl, timeoutMs: 300, handler: () => (calls++ === 0 ? new Promise(() => undefined) : Promise.resolve(undefined)) },
    ]);
    expect(await until(() => batches.length >= 2)).toBe(true);
    expect(batches[0]).toMatchObject({ messageIds: [id], failed: [id], error: expect.stringContaining('300 ms') });
    // The retry (after the visibility timeout) succeeded and was deleted.
    expect(batches[1]).toMatchObject({ messageIds: [id], failed: [] });
    expect(await counts(queueUrl)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('serves several queues, each with its own handler, from one source', async () => {
    const [first, second] = [await freshQueue(), await freshQueue()];
    const got: Record<string, string[]> = { first: [], second: [] };
    const record = (name: string) => async (event: SQSEvent) => void got[name]!.push(...event.Records.map((r) => r.body));
    await start([
      { queueUrl: first, handler: record('first') },
      { queueUrl: second, handler: record('second') },
    ]);
    await send(first, 'to the first');
    await send(second, 'to the second');
    expect(await until(() => got.first!.length + got.second!.length === 2)).toBe(true);
    expect(got).toEqual({ first: ['to the first'], second: ['to the second'] });
  });

  it('stops during a long poll at once, and lets a running batch finish (and its deletes land) first', async () => {
    const idle = await startSqsEventSource(sqs, [{ queueUrl: await freshQueue(), handler: async () => undefined, timeoutMs: 1_000 }], {
      waitTimeSeconds: 20,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stopping = Date.now();
    await idle.stop();
    expect(Date.now() - stopping).toBeLessThan(1_000);

    const queueUrl = await freshQueue();
    await send(queueUrl, 'slow but fine');
    let finished = false;
    let started = false;
    const busy = await startSqsEventSource(
      sqs,
      [
        {
          queueUrl,
          timeoutMs: 5_000,
          handler: async () => {
            started = true;
            await new Promise((resolve) => setTimeout(resolve, 500));
            finished = true;
          },
        },
      ],
      { waitTimeSeconds: 1 },
    );
    expect(await until(() => started)).toBe(true);
    await busy.stop();
    expect(finished).toBe(true);
    expect(await counts(queueUrl)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('fails to start when a queue does not exist', async () => {
    const queueUrl = `${await freshQueue()}-missing`;
    await expect(startSqsEventSource(sqs, [{ queueUrl, handler: async () => undefined, timeoutMs: 1_000 }])).rejects.toThrow();
  });
});
