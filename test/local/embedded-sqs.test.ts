/**
 * The embedded SQS server as local mode and the tests use it: the stack's queues with the stack's
 * limits (numbers written out here, not read from the settings both share), the characters real SQS
 * takes, and counts exact enough for the tests' drain helper (test/support/queue.ts ends as soon as a
 * queue counts no message visible, in flight or delayed, instead of waiting out idle receives).
 * Its local-only rule is test/local/isolation.test.ts's.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { localSqsClient } from '../../functions/runtime/local-aws';
import { createForwarderQueues, createInboxQueue } from '../../local/embedded-sqs';
import { type RunningProcess, startSqsServer } from '../support/processes';
import { messagesHeld } from '../support/queue';

let server: RunningProcess;
let sqs: SQSClient;

beforeAll(async () => {
  server = await startSqsServer();
  sqs = localSqsClient(server.printed['SQS endpoint']!);
});
afterAll(() => server.stop());

const attributesOf = async (queueUrl: string) =>
  (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }))).Attributes ?? {};

describe('the queues', () => {
  it("are the stack's: 1 MiB messages kept 14 days, a dead-letter queue after 5 receives, per route too (FIFO)", async () => {
    const queues = await createForwarderQueues(sqs, { name: 'stack-like', fifo: true, routes: ['paging'] });
    expect(queues.queueUrl).toMatch(/\/stack-like\.fifo$/);
    expect(queues.deadLetterQueueUrl).toMatch(/\/stack-like-dlq\.fifo$/);
    expect(queues.routeQueueUrls).toEqual({ paging: expect.stringMatching(/\/stack-like-paging\.fifo$/) });
    expect(queues.quarantineQueueUrl).toMatch(/\/stack-like-quarantine$/);
    for (const url of [queues.queueUrl, queues.routeQueueUrls.paging!]) {
      const attributes = await attributesOf(url);
      expect(attributes).toMatchObject({
        FifoQueue: 'true',
        ContentBasedDeduplication: 'false',
        MaximumMessageSize: '1048576',
        MessageRetentionPeriod: String(14 * 24 * 3600),
        VisibilityTimeout: '30',
      });
      const { deadLetterTargetArn, maxReceiveCount } = JSON.parse(attributes.RedrivePolicy!) as Record<string, unknown>;
      expect(maxReceiveCount).toBe(5);
      expect(deadLetterTargetArn).toMatch(url === queues.queueUrl ? /:stack-like-dlq\.fifo$/ : /:stack-like-paging-dlq\.fifo$/);
    }
    expect(await attributesOf(queues.quarantineQueueUrl)).not.toHaveProperty('RedrivePolicy');
  });

  it('are created idempotently: a second start finds the same queues', async () => {
    const first = await createForwarderQueues(sqs, { name: 'twice' });
    expect(await createForwarderQueues(sqs, { name: 'twice' })).toEqual(first);
  });

  it('include the inbox, standard, with its own dead-letter queue and the visibility timeout asked for', async () => {
    const inbox = await createInboxQueue(sqs, { name: 'inbox-here', visibilityTimeoutSeconds: 180 });
    const attributes = await attributesOf(inbox.queueUrl);
    expect(attributes).toMatchObject({ VisibilityTimeout: '180', MaximumMessageSize: '1048576' });
    expect(attributes).not.toHaveProperty('FifoQueue');
    expect(JSON.parse(attributes.RedrivePolicy!)).toMatchObject({ deadLetterTargetArn: expect.stringMatching(/:inbox-here-dlq$/) });
  });
});

describe('message bodies', () => {
  it('take what real SQS takes (an emoji, outside the Basic Multilingual Plane), byte for byte', async () => {
    const { queueUrl } = await createForwarderQueues(sqs, { name: 'bodies' });
    const body = JSON.stringify({ title: 'Zugriff verweigert \u{1F6A8} \u{1D11E}' });
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
    expect(Messages.map((m) => m.Body)).toEqual([body]);
  });

  it('refuse what real SQS refuses (U+FFFF)', async () => {
    const { queueUrl } = await createForwarderQueues(sqs, { name: 'bodies' });
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'not \uFFFF here' }))).rejects.toMatchObject({
      // SQS's query-compatible name (AWS.SimpleQueueService.InvalidMessageContents) or the JSON one.
      name: expect.stringMatching(/InvalidMessageContents$/),
    });
  });
});

async function counts(queueUrl: string): Promise<[visible: number, inFlight: number, delayed: number]> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  return [
    Number(Attributes.ApproximateNumberOfMessages),
    Number(Attributes.ApproximateNumberOfMessagesNotVisible),
    Number(Attributes.ApproximateNumberOfMessagesDelayed),
  ];
}

describe("fauxqs's counts", () => {
  it.each([false, true])('are exact for every message visible, in flight or delayed (FIFO: %s)', async (fifo) => {
    const { queueUrl } = await createForwarderQueues(sqs, { name: fifo ? 'counts-fifo' : 'counts', fifo });
    const send = (body: string, extra: object = {}) =>
      sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: body,
          ...(fifo ? { MessageGroupId: 'g', MessageDeduplicationId: body } : {}),
          ...extra,
        }),
      );
    expect(await counts(queueUrl)).toEqual([0, 0, 0]);
    expect(await messagesHeld(sqs, queueUrl)).toBe(0);

    await send('a');
    await send('b');
    if (!fifo) await send('later', { DelaySeconds: 60 });
    const delayed = fifo ? 0 : 1;
    expect(await counts(queueUrl)).toEqual([2, 0, delayed]);

    const { Messages: [first] = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1 }));
    expect(await counts(queueUrl)).toEqual([1, 1, delayed]);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: first!.ReceiptHandle!, VisibilityTimeout: 0 }));
    expect(await counts(queueUrl)).toEqual([2, 0, delayed]);

    // One at a time: a FIFO group hands out its next message only once the one in flight is deleted.
    for (const left of [1, 0]) {
      const { Messages: [message] = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1 }));
      expect(await counts(queueUrl)).toEqual([left, 1, delayed]);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message!.ReceiptHandle! }));
      expect(await counts(queueUrl)).toEqual([left, 0, delayed]);
    }
    expect(await messagesHeld(sqs, queueUrl)).toBe(delayed);
  });
});
