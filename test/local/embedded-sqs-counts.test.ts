/**
 * The tests' drain helper (test/support/queue.ts) ends as soon as a queue counts no message visible,
 * in flight or delayed, instead of waiting out idle receives: that holds only if fauxqs keeps those
 * counts exactly, through every step a message takes. This pins it.
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
import { createForwarderQueues } from '../../local/embedded-sqs';
import { type RunningProcess, startSqsServer } from '../support/processes';
import { messagesHeld } from '../support/queue';

let server: RunningProcess;
let sqs: SQSClient;

beforeAll(async () => {
  server = await startSqsServer();
  sqs = localSqsClient(server.printed['SQS endpoint']!);
});
afterAll(() => server.stop());

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

it.each([false, true])('fauxqs counts every message visible, in flight or delayed (FIFO: %s)', async (fifo) => {
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
