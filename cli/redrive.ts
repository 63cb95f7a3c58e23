/**
 * `redrive`: moves messages from one queue to another, at least once (send, then delete). From the
 * quarantine, each body is first checked again with the current schema: what is now a valid alert
 * goes to the alert queue and every route it matches with its routing attributes, exactly as the
 * receiver would have sent it;
 * what is still invalid stays in quarantine. From a dead-letter queue, bodies and attributes move
 * unchanged — by SQS's message move task where the server has one, else by copying. A copy into a FIFO
 * queue keeps its message group and gets the deduplication id `redriveDeduplicationId` gives it.
 */
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  StartMessageMoveTaskCommand,
  SendMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { redriveDeduplicationId } from './redrive-dedup';
import { matchingRoutes, type Route } from '../functions/core/routes';
import { decidePayload } from '../functions/core/webhook-core';
import { fifoParameters, toMessageAttributes } from '../functions/runtime/queue-sender';

export interface RedriveOptions {
  readonly from: string;
  readonly to: string;
  /** Check each body against the schema again (quarantine → alert queue). */
  readonly revalidate: boolean;
  /** With revalidate: the receiver's routes; each alert also goes to every route it matches, as the receiver sends it. */
  readonly routes?: readonly Route[];
  /** Stop after this many messages. */
  readonly max?: number;
  readonly progress?: (line: string) => void;
  /** How often to poll a move task (tests shorten it). */
  readonly pollMs?: number;
}

export interface RedriveResult {
  readonly moved: number;
  /** Left where they were: still not valid alerts (revalidate only). */
  readonly kept: number;
  /** How: SQS's own message move task, or receive/send/delete here. */
  readonly method: 'move-task' | 'copy';
}

/**
 * Dead letters back to their queue with SQS's message move task, which keeps bodies and attributes
 * and runs server-side. Undefined when the server has no move task (fauxqs) or refuses this pair
 * (the source is not a dead-letter queue of the destination): then the caller copies instead.
 */
async function moveTask(sqs: SQSClient, options: RedriveOptions): Promise<RedriveResult | undefined> {
  const arnOf = async (queueUrl: string) =>
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
  const [sourceArn, destinationArn] = await Promise.all([arnOf(options.from), arnOf(options.to)]);
  try {
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: sourceArn, DestinationArn: destinationArn }));
  } catch (error) {
    options.progress?.(`message move task not available (${(error as Error).name}); copying instead`);
    return undefined;
  }
  // Bounded: a move task of a dead-letter queue finishes in minutes; give up watching after an hour.
  for (let poll = 0; poll < 720; poll += 1) {
    const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 1 }));
    const task = Results[0];
    options.progress?.(`move task ${task?.Status ?? 'unknown'}: ${task?.ApproximateNumberOfMessagesMoved ?? 0} moved`);
    if (task?.Status === 'COMPLETED') return { moved: task.ApproximateNumberOfMessagesMoved ?? 0, kept: 0, method: 'move-task' };
    if (task?.Status === 'FAILED' || task?.Status === 'CANCELLED')
      throw new Error(`the message move task ended ${task.Status}: ${task.FailureReason ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 5_000));
  }
  throw new Error('the message move task did not finish within an hour; check ListMessageMoveTasks');
}

interface Redriven {
  /** Where it goes: the destination, and with revalidate every matching route's queue. */
  readonly queueUrls: readonly string[];
  readonly body: string;
  readonly attributes: Record<string, MessageAttributeValue>;
  /** What a FIFO destination needs; unused for a standard one. */
  readonly messageGroupId?: string;
  readonly deduplicationId?: string;
}

/** The message to send for one received message, or undefined when it must stay. */
function redriven(message: Message, options: RedriveOptions): Redriven | undefined {
  const source = { messageId: message.MessageId!, deduplicationId: message.Attributes?.MessageDeduplicationId };
  if (!options.revalidate) {
    const attributes = message.MessageAttributes ?? {};
    return {
      queueUrls: [options.to],
      body: message.Body ?? '',
      attributes,
      messageGroupId: message.Attributes?.MessageGroupId,
      deduplicationId: redriveDeduplicationId(source, attributes.dedupKey?.StringValue),
    };
  }
  const base64 = message.MessageAttributes?.encoding?.StringValue === 'base64';
  const body = Buffer.from(message.Body ?? '', base64 ? 'base64' : 'utf8');
  // Exactly what the receiver would send now: same body, attributes, FIFO group and routes.
  const decision = decidePayload({ body: body.toString('base64'), isBase64Encoded: true }, 'reject');
  if (decision.action !== 'enqueue') return undefined;
  return {
    queueUrls: [options.to, ...matchingRoutes(options.routes ?? [], decision.attributes).map((route) => route.queueUrl)],
    body: decision.messageBody,
    attributes: toMessageAttributes(decision.attributes),
    messageGroupId: decision.messageGroupId,
    deduplicationId: redriveDeduplicationId(source, decision.attributes.dedupKey),
  };
}

export async function redrive(sqs: SQSClient, options: RedriveOptions): Promise<RedriveResult> {
  // Unchanged bodies, no limit: SQS can do it server-side where it supports move tasks.
  if (!options.revalidate && options.max === undefined) {
    const moved = await moveTask(sqs, options);
    if (moved) return moved;
  }
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
        MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
        VisibilityTimeout: 60,
      }),
    );
    const fresh = Messages.filter((m) => !seenKept.has(m.MessageId!));
    if (fresh.length === 0) break;
    for (const message of fresh) {
      const next = redriven(message, options);
      if (next === undefined) {
        seenKept.add(message.MessageId!);
        kept += 1;
        continue;
      }
      // Send first (to every queue), delete after: a crash in between repeats a message, never
      // loses one; a FIFO queue discards the repeat, whose deduplication id is the same again.
      for (const queueUrl of next.queueUrls) {
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: next.body,
            MessageAttributes: next.attributes,
            ...fifoParameters(queueUrl, next.messageGroupId, next.deduplicationId),
          }),
        );
      }
      await sqs.send(new DeleteMessageCommand({ QueueUrl: options.from, ReceiptHandle: message.ReceiptHandle! }));
      moved += 1;
    }
    options.progress?.(`moved ${moved}, kept ${kept}`);
  }
  return { moved, kept, method: 'copy' };
}
