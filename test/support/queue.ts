/** Reads a queue back for assertions: every message with its attributes, deleting what it read. */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export interface DrainOptions {
  /** Stop as soon as this many messages were read. */
  readonly expected?: number;
  /**
   * Stop after this many consecutive empty receives (each waits up to 1 s) while the queue still
   * counts messages (in flight elsewhere, delayed) or before the first message arrived.
   */
  readonly idleReceives?: number;
  /** Hard stop, whatever else happens. */
  readonly maxMs?: number;
}

/**
 * Messages visible, in flight and delayed, by the queue's own counts (exact on fauxqs:
 * test/local/embedded-sqs.test.ts holds it to that).
 */
export async function messagesHeld(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible) +
    Number(Attributes.ApproximateNumberOfMessagesDelayed)
  );
}

/**
 * Reads until `expected`, idle receives or `maxMs`; and stops at once when the queue holds nothing
 * more, instead of waiting out idle receives, unless it is still waiting for a first message that
 * may be on its way (`expected` given, nothing read yet).
 */
export async function drainQueue(sqs: SQSClient, queueUrl: string, options: DrainOptions = {}): Promise<Message[]> {
  const { expected = Infinity, idleReceives = 2, maxMs = 60_000 } = options;
  const messages: Message[] = [];
  const deadline = Date.now() + maxMs;
  const mayStillArrive = () => expected !== Infinity && messages.length === 0;
  let idle = 0;
  while (messages.length < expected && idle < idleReceives && Date.now() < deadline) {
    if (!mayStillArrive() && (await messagesHeld(sqs, queueUrl)) === 0) break;
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    idle = Messages.length === 0 ? idle + 1 : 0;
    if (Messages.length === 0) continue;
    messages.push(...Messages);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
  return messages;
}

/** The message attributes as plain name → string value. */
export function attributesOf(message: Message): Record<string, string> {
  return Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, value.StringValue ?? '']));
}
