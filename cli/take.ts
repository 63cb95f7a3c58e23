/**
 * `take`: long-polls a queue, prints each message and deletes it. It consumes: what it prints is gone
 * from the queue, and a consumer of that queue never gets it. For watching, `tail` follows the archive.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient, type Message } from '@aws-sdk/client-sqs';
import { localModeClient, localQueueUrl, sqsClientFor } from './sqs-client';

export interface TakeOptions {
  readonly queueUrl?: string;
  /** Local mode: this route's queue instead of the alert queue. */
  readonly route?: string;
  readonly endpoint?: string;
  readonly json: boolean;
  readonly max?: number;
  readonly timeoutSeconds?: number;
}

async function resolveQueue(options: TakeOptions): Promise<{ sqs: SQSClient; queueUrl: string }> {
  if (options.queueUrl !== undefined) return { sqs: sqsClientFor(options.queueUrl, options.endpoint), queueUrl: options.queueUrl };
  // Nothing named: local mode's alert (or route) queue, whichever of standard and FIFO exists.
  const sqs = localModeClient(options.endpoint);
  return { sqs, queueUrl: await localQueueUrl(sqs, options.route) };
}

/** One line per message: the alert's time, severity, type, detection, title and alertId. */
export function summaryLine(message: Message): string {
  const attribute = (name: string) => message.MessageAttributes?.[name]?.StringValue;
  let alert: Record<string, unknown> = {};
  try {
    alert = JSON.parse(message.Body ?? '') as Record<string, unknown>;
  } catch {
    // Not JSON: the attributes still say what it is.
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : '-');
  return [
    text(alert.createdAt),
    attribute('severity') ?? text(alert.severity),
    attribute('type') ?? text(alert.type),
    attribute('detectionId') ?? text(alert.id),
    JSON.stringify(text(alert.title)),
    `alertId=${attribute('alertId') ?? '-'}`,
  ].join('  ');
}

function jsonLine(message: Message): string {
  let alert: unknown = message.Body;
  try {
    alert = JSON.parse(message.Body ?? '');
  } catch {
    // Print the raw body as a string.
  }
  const attributes = Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, value.StringValue]));
  return JSON.stringify({ messageId: message.MessageId, attributes, alert });
}

export async function takeFromQueue(options: TakeOptions): Promise<number> {
  const { sqs, queueUrl } = await resolveQueue(options);
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
  const timer = options.timeoutSeconds === undefined ? undefined : setTimeout(() => stop.abort(), options.timeoutSeconds * 1000);
  console.error(
    `Taking messages off ${queueUrl}: each one printed is deleted from the queue, and its consumers will not get it. Ctrl-C stops.`,
  );

  let printed = 0;
  try {
    while (!stop.signal.aborted && (options.max === undefined || printed < options.max)) {
      let messages: Message[];
      try {
        ({ Messages: messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.min(10, (options.max ?? 10) - printed),
            WaitTimeSeconds: 5,
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: stop.signal },
        ));
      } catch (error) {
        if (stop.signal.aborted) break;
        throw error;
      }
      for (const message of messages) {
        // Printed before it is deleted: a failed delete leaves it on the queue, never lost unseen.
        console.log(options.json ? jsonLine(message) : summaryLine(message));
        printed += 1;
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }));
      }
    }
  } finally {
    clearTimeout(timer);
    sqs.destroy();
  }
  return 0;
}

/** The help text of `take`, as the CLI's USAGE lists each command. */
export const TAKE_HELP = `  take [--queue-url URL | --route NAME] [--endpoint URL] [--json] [--max N] [--timeout SECONDS]
      REMOVES messages from a queue: long-polls it, prints one summary line per alert
      (--json: one JSON object per line with messageId, attributes and the alert) and
      deletes each message it printed. The queue's consumers never get those messages;
      to watch alerts without taking them, use tail. Without --queue-url: $QUEUE_URL,
      else local mode's alert queue (standard or FIFO), or with --route that route's queue.
      The endpoint comes from --endpoint, AWS_ENDPOINT_URL_SQS / AWS_ENDPOINT_URL, a local
      queue URL's port, or the region. Stops on Ctrl-C, after --max alerts or --timeout.`;
