/**
 * The example consumer on real fauxqs queues, invoked the way Lambda's SQS event source invokes it:
 * one received batch as an SQSEvent, then every record it did not report as failed is deleted. And
 * on a hand-built batch of one FIFO group, which AWS may send and fauxqs never hands out.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import { handler } from '../../functions/example-consumer';
import { LOCAL_REGION, localSqsClient } from '../../functions/runtime/local-aws';
import { createForwarderQueues } from '../../local/embedded-sqs';
import { baseAlert } from '../corpus/panther-payloads';
import { startSqsServer, stopAll, type RunningProcess } from '../support/processes';
import { drainQueue } from '../support/queue';

let server: RunningProcess;
afterAll(stopAll);
beforeAll(async () => {
  server = await startSqsServer();
});

/** Alerts, the second and fourth of them bodies the consumer cannot handle. */
const BATCH = [
  { name: 'first', body: JSON.stringify(baseAlert({ alertId: 'first' })) },
  { name: 'not-json', body: '{' },
  { name: 'later', body: JSON.stringify(baseAlert({ alertId: 'later', severity: 'LOW' })) },
  { name: 'not-an-alert', body: JSON.stringify({ hello: 'world' }) },
  { name: 'last', body: JSON.stringify(baseAlert({ alertId: 'last', severity: 'CRITICAL' })) },
];
const nameOf = (body: string) => BATCH.find((b) => b.body === body)!.name;

/** A record as Lambda builds it from a received message. */
function toRecord(
  message: { messageId: string; receiptHandle: string; body: string; attributes: Record<string, string> },
  arn: string,
): SQSRecord {
  const { messageId, receiptHandle, body, attributes } = message;
  return {
    messageId,
    receiptHandle,
    body,
    attributes: attributes as unknown as SQSRecordAttributes,
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: arn,
    awsRegion: LOCAL_REGION,
  };
}

/** Invokes the consumer: the names of the records it reported as failed, and of the alerts it handled. */
async function invoke(records: SQSRecord[]) {
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    const { batchItemFailures } = await handler({ Records: records } satisfies SQSEvent);
    const logged = write.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
    return {
      failed: batchItemFailures.map((failure) => nameOf(records.find((r) => r.messageId === failure.itemIdentifier)!.body)),
      handled: logged.filter((line) => line.message === 'alert').map((line) => line.alertId),
    };
  } finally {
    write.mockRestore();
  }
}

/** Lambda's SQS event source, for one batch: receive, invoke, delete every record not reported failed. */
async function invokeOnce(sqs: SQSClient, queueUrl: string) {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }),
  );
  const records = Messages.map((m) =>
    toRecord(
      { messageId: m.MessageId!, receiptHandle: m.ReceiptHandle!, body: m.Body!, attributes: m.Attributes ?? {} },
      Attributes!.QueueArn!,
    ),
  );
  const outcome = await invoke(records);
  for (const { body, receiptHandle } of records) {
    const QueueUrl = queueUrl;
    // A failed record reappears after its visibility timeout: here at once.
    if (outcome.failed.includes(nameOf(body)))
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: 0 }));
    else await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: receiptHandle }));
  }
  return { received: records.length, ...outcome };
}

/**
 * A queue holding the batch's bodies in order. FIFO: each in its own group, as alerts of different
 * detections, because fauxqs 1.9.2 hands out one message per group per receive (AWS may hand out
 * several of one group in a batch: the hand-built test below).
 */
async function queueWithBatch(sqs: SQSClient, name: string, fifo: boolean): Promise<string> {
  const { queueUrl } = await createForwarderQueues(sqs, { name, fifo });
  for (const [index, { body }] of BATCH.entries()) {
    const group = fifo ? { MessageGroupId: `detection-${index}`, MessageDeduplicationId: String(index) } : {};
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, ...group }));
  }
  return queueUrl;
}

const namesLeft = async (sqs: SQSClient, queueUrl: string) =>
  (await drainQueue(sqs, queueUrl, { expected: BATCH.length + 1, idleReceives: 1 })).map((m) => nameOf(m.Body!)).sort();

describe('example consumer', () => {
  it('on a standard queue reports only the records it could not handle, and handles the rest', async () => {
    const sqs = localSqsClient(server.printed['SQS endpoint']!);
    const queueUrl = await queueWithBatch(sqs, 'consumer-standard', false);
    expect(await invokeOnce(sqs, queueUrl)).toEqual({
      received: BATCH.length,
      failed: ['not-json', 'not-an-alert'],
      handled: ['first', 'later', 'last'],
    });
    expect(await namesLeft(sqs, queueUrl)).toEqual(['not-an-alert', 'not-json']);
  });

  it('on a FIFO queue stops at the first failure and hands it back with every later record', async () => {
    const sqs = localSqsClient(server.printed['SQS endpoint']!);
    const queueUrl = await queueWithBatch(sqs, 'consumer-fifo', true);
    expect(await invokeOnce(sqs, queueUrl)).toEqual({
      received: BATCH.length,
      failed: ['not-json', 'later', 'not-an-alert', 'last'],
      handled: ['first'],
    });
    expect(await namesLeft(sqs, queueUrl)).toEqual(['last', 'later', 'not-an-alert', 'not-json']);
  });

  it.each([
    ['each record carries its MessageGroupId (as Lambda sends it)', { groupId: true, arn: 'alerts.fifo' }],
    ['only the queue ARN ends in .fifo', { groupId: false, arn: 'alerts.fifo' }],
    ['only the records carry a MessageGroupId', { groupId: true, arn: 'alerts' }],
  ])('in a batch of one detection, handles no later alert before the failed one: %s', async (_signs, { groupId, arn }) => {
    const records = BATCH.map(({ name, body }) =>
      toRecord(
        { messageId: name, receiptHandle: name, body, attributes: groupId ? { MessageGroupId: 'AWS.CloudTrail.RootActivity' } : {} },
        `arn:aws:sqs:${LOCAL_REGION}:000000000000:${arn}`,
      ),
    );
    expect(await invoke(records)).toEqual({ failed: ['not-json', 'later', 'not-an-alert', 'last'], handled: ['first'] });
  });
});
