/**
 * `redrive`: moves messages from one queue to another, at least once (send, then delete). From the
 * quarantine, each body is first checked again with the current schema: what is now a valid alert
 * goes to the alert queue with its routing attributes, exactly as the receiver would have sent it;
 * what is still invalid stays in quarantine. From a dead-letter queue, bodies and attributes move
 * unchanged.
 */
import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { decidePayload } from '../functions/shared/webhook-core';

export interface RedriveOptions {
  readonly from: string;
  readonly to: string;
  /** Check each body against the schema again (quarantine → alert queue). */
  readonly revalidate: boolean;
  /** Stop after this many messages. */
  readonly max?: number;
  readonly progress?: (line: string) => void;
}

export interface RedriveResult {
  readonly moved: number;
  /** Left where they were: still not valid alerts (revalidate only). */
  readonly kept: number;
}

/** The message to send for one received message, or undefined when it must stay. */
function redriven(message: Message, revalidate: boolean): { body: string; attributes: Record<string, MessageAttributeValue> } | undefined {
  if (!revalidate) return { body: message.Body ?? '', attributes: message.MessageAttributes ?? {} };
  const base64 = message.MessageAttributes?.encoding?.StringValue === 'base64';
  const body = Buffer.from(message.Body ?? '', base64 ? 'base64' : 'utf8');
  const decision = decidePayload({ body: body.toString('base64'), isBase64Encoded: true }, 'reject');
  if (decision.action !== 'enqueue') return undefined;
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(decision.attributes)) {
    if (typeof value === 'string') attributes[name] = { DataType: 'String', StringValue: value };
  }
  return { body: decision.messageBody, attributes };
}

export async function redrive(sqs: SQSClient, options: RedriveOptions): Promise<RedriveResult> {
  let moved = 0;
  let kept = 0;
  // Kept messages come back after their visibility timeout: stop once a batch brings only those.
  const seenKept = new Set<string>();
  for (;;) {
    if (options.max !== undefined && moved + kept >= options.max) break;
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.from,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
        VisibilityTimeout: 60,
      }),
    );
    const fresh = Messages.filter((m) => !seenKept.has(m.MessageId!));
    if (fresh.length === 0) break;
    for (const message of fresh) {
      const next = redriven(message, options.revalidate);
      if (next === undefined) {
        seenKept.add(message.MessageId!);
        kept += 1;
        continue;
      }
      // Send first, delete after: a crash in between repeats a message, never loses one.
      await sqs.send(new SendMessageCommand({ QueueUrl: options.to, MessageBody: next.body, MessageAttributes: next.attributes }));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: options.from, ReceiptHandle: message.ReceiptHandle! }));
      moved += 1;
    }
    options.progress?.(`moved ${moved}, kept ${kept}`);
  }
  return { moved, kept };
}
