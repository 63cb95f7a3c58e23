/** Reads a queue back for assertions: every message with its attributes, deleting what it read. */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';

export interface DrainOptions {
  /** Stop as soon as this many messages were read. */
  readonly expected?: number;
  /** Stop after this many consecutive empty receives (each waits up to 1 s). */
  readonly idleReceives?: number;
  /** Hard stop, whatever else happens. */
  readonly maxMs?: number;
}

export async function drainQueue(sqs: SQSClient, queueUrl: string, options: DrainOptions = {}): Promise<Message[]> {
  const { expected = Infinity, idleReceives = 2, maxMs = 60_000 } = options;
  const messages: Message[] = [];
  const deadline = Date.now() + maxMs;
  let idle = 0;
  while (messages.length < expected && idle < idleReceives && Date.now() < deadline) {
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
