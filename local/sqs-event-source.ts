/**
 * Lambda's SQS event source, in process, for local mode: it long-polls each queue, hands every
 * received batch (up to 10 messages) to that queue's handler as the SQSEvent Lambda would build,
 * deletes the records the handler did not report in batchItemFailures, and leaves the others alone:
 * they come back after the queue's visibility timeout and, past its maxReceiveCount, move to its
 * dead-letter queue, as in AWS. One event source serves any number of queue → handler pairs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import { lambdaContext } from './webhook-server';

/** An SQS-triggered Lambda handler; no answer means every record succeeded, as in Lambda. */
export type SqsTriggeredHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

/** One event source mapping: a queue and the function it triggers. */
export interface SqsTrigger {
  readonly queueUrl: string;
  readonly handler: SqsTriggeredHandler;
  /** The function's timeout: the context's remaining time starts there, and a batch still running then has failed. */
  readonly timeoutMs: number;
  /** Messages per invocation, 1-10 (one ReceiveMessage); 10 by default. */
  readonly batchSize?: number;
  /** The context's function name. */
  readonly functionName?: string;
}

/** What one invocation came to. */
export interface BatchResult {
  readonly queueUrl: string;
  readonly messageIds: readonly string[];
  /** The records left on the queue for a retry: those reported failed, or all when the invocation failed. */
  readonly failed: readonly string[];
  readonly durationMs: number;
  /** Why the whole batch failed (the handler threw, timed out or answered a malformed response). */
  readonly error?: string;
}

export interface SqsEventSourceOptions {
  /** Each receive's long poll, in seconds (Lambda uses 20). */
  readonly waitTimeSeconds?: number;
  /** After every invocation. */
  readonly onBatch?: (result: BatchResult) => void;
  /** A receive or delete that failed; polling goes on after a pause. Default: one line on stderr. */
  readonly onError?: (queueUrl: string, error: unknown) => void;
}

export interface SqsEventSource {
  /** Ends the long polls, lets a running invocation finish (and its deletes), then resolves. */
  stop(): Promise<void>;
}

const RETRY_PAUSE_MS = 1_000;

/** Starts polling every trigger's queue; fails at once if one of them does not exist. */
export async function startSqsEventSource(
  sqs: SQSClient,
  triggers: readonly SqsTrigger[],
  { waitTimeSeconds = 20, onBatch = () => undefined, onError = printError }: SqsEventSourceOptions = {},
): Promise<SqsEventSource> {
  const arns = await Promise.all(triggers.map((trigger) => queueArn(sqs, trigger.queueUrl)));
  const stopping = new AbortController();

  async function invoke(trigger: SqsTrigger, arn: string, messages: Message[]): Promise<void> {
    const started = performance.now();
    const event: SQSEvent = { Records: messages.map((message) => sqsRecordOf(message, arn)) };
    const ids = event.Records.map((record) => record.messageId);
    let failed: readonly string[];
    let error: string | undefined;
    try {
      failed = failuresOf(await withTimeout(trigger.handler(event, contextFor(trigger, arn)), trigger.timeoutMs), ids);
    } catch (thrown) {
      // Lambda retries the whole batch when the invocation fails: delete nothing.
      [failed, error] = [ids, thrown instanceof Error ? thrown.message : String(thrown)];
    }
    const done = messages.filter((message) => !failed.includes(message.MessageId!));
    if (done.length > 0) {
      const entries = done.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! }));
      const deleted = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: trigger.queueUrl, Entries: entries }));
      if (deleted.Failed?.length) onError(trigger.queueUrl, new Error(`could not delete ${deleted.Failed.length} handled message(s)`));
    }
    onBatch({
      queueUrl: trigger.queueUrl,
      messageIds: ids,
      failed,
      durationMs: Math.round(performance.now() - started),
      ...(error === undefined ? {} : { error }),
    });
  }

  async function poll(trigger: SqsTrigger, arn: string): Promise<void> {
    while (!stopping.signal.aborted) {
      try {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: trigger.queueUrl,
            MaxNumberOfMessages: trigger.batchSize ?? 10,
            WaitTimeSeconds: waitTimeSeconds,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: stopping.signal },
        );
        // Received is received: the batch is handled even when a stop came meanwhile, as Lambda would.
        if (Messages.length > 0) await invoke(trigger, arn, Messages);
      } catch (error) {
        if (stopping.signal.aborted) return;
        onError(trigger.queueUrl, error);
        await sleep(RETRY_PAUSE_MS, undefined, { signal: stopping.signal }).catch(() => undefined);
      }
    }
  }

  const loops = triggers.map((trigger, index) => poll(trigger, arns[index]!));
  return {
    stop: async () => {
      stopping.abort();
      await Promise.all(loops);
    },
  };
}

/** A received message as Lambda hands it to the function: one record of an SQSEvent. */
export function sqsRecordOf(message: Message, eventSourceARN: string): SQSRecord {
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: (message.Attributes ?? {}) as unknown as SQSRecordAttributes,
    messageAttributes: lambdaMessageAttributes(message.MessageAttributes ?? {}),
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes === undefined ? {} : { md5OfMessageAttributes: message.MD5OfMessageAttributes }),
    eventSource: 'aws:sqs',
    eventSourceARN,
    awsRegion: eventSourceARN.split(':')[3] ?? '',
  };
}

/** Lambda's spelling of message attributes: camelCase, binary values base64, empty list fields. */
function lambdaMessageAttributes(attributes: Record<string, MessageAttributeValue>): SQSMessageAttributes {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      {
        dataType: value.DataType ?? 'String',
        ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
        ...(value.BinaryValue === undefined ? {} : { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
        stringListValues: [],
        binaryListValues: [],
      },
    ]),
  );
}

/**
 * The message ids to leave on the queue. As Lambda reads a partial batch response: none when the
 * answer is empty; the whole batch when it names something that is not one of the batch's records.
 */
function failuresOf(response: SQSBatchResponse | undefined, ids: readonly string[]): readonly string[] {
  const named = (response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier);
  if (named.some((id) => !ids.includes(id))) throw new Error('batchItemFailures names a record that is not in the batch');
  return named;
}

function contextFor(trigger: SqsTrigger, arn: string): Context {
  const functionName = trigger.functionName ?? `${arn.split(':').pop()}-consumer`;
  const [, , , region, account] = arn.split(':');
  return {
    ...lambdaContext(trigger.timeoutMs),
    functionName,
    invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:${functionName}`,
  };
}

/** The handler's answer, or a failure once the function's timeout has passed (Lambda would stop it there). */
async function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  const timeout = new AbortController();
  try {
    return await Promise.race([
      work,
      sleep(timeoutMs, undefined, { signal: timeout.signal }).then(() => {
        throw new Error(`the handler did not finish within its ${timeoutMs} ms timeout`);
      }),
    ]);
  } finally {
    timeout.abort();
  }
}

async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  if (!Attributes?.QueueArn) throw new Error(`no QueueArn for ${queueUrl}`);
  return Attributes.QueueArn;
}

function printError(queueUrl: string, error: unknown): void {
  console.error(`SQS event source, ${queueUrl}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
}
