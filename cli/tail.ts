/** `tail`: long-polls the alert queue and prints what arrives, deleting only when asked. */
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient, type Message } from '@aws-sdk/client-sqs';
import { localModeClient, localQueueUrl, sqsClientFor } from './sqs-client';

export interface TailOptions {
  readonly queueUrl?: string;
  /** Local mode: this route's queue instead of the alert queue. */
  readonly route?: string;
  readonly endpoint?: string;
  readonly json: boolean;
  readonly deleteMessages: boolean;
  readonly max?: number;
  readonly timeoutSeconds?: number;
}

async function resolveQueue(options: TailOptions): Promise<{ sqs: SQSClient; queueUrl: string }> {
  if (options.queueUrl !== undefined) return { sqs: sqsClientFor(options.queueUrl, options.endpoint), queueUrl: options.queueUrl };
  // Nothing named: local mode's alert (or route) queue, whichever of standard and FIFO exists.
  const sqs = localModeClient(options.endpoint);
  return { sqs, queueUrl: await localQueueUrl(sqs, options.route) };
}

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

export async function tailQueue(options: TailOptions): Promise<number> {
  const { sqs, queueUrl } = await resolveQueue(options);
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
  const timer = options.timeoutSeconds === undefined ? undefined : setTimeout(() => stop.abort(), options.timeoutSeconds * 1000);
  console.error(`Tailing ${queueUrl}${options.deleteMessages ? ' (deleting what it prints)' : ''}. Ctrl-C stops.`);

  // Without --delete a message comes back after its visibility timeout: print it once.
  const seen = new Set<string>();
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
        if (!seen.has(message.MessageId!)) {
          seen.add(message.MessageId!);
          console.log(options.json ? jsonLine(message) : summaryLine(message));
          printed += 1;
        }
        if (options.deleteMessages) {
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }));
        }
      }
    }
  } finally {
    clearTimeout(timer);
    sqs.destroy();
  }
  return 0;
}
