/**
 * The one place that talks to SQS: sends a message and reports how it went, never throwing for an
 * SQS failure (the core turns the outcome into Panther's answer).
 */
import { SendMessageCommand, SQSClient, type MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { EnqueueOutcome, MessageAttributes } from '../core/webhook-core';
import { type AwsClientTarget, awsClientOptions, SQS_LIMITS } from './aws-client-options';
import { describeError } from './errors';
import { abandonOnAbort, PerSendAbortHttpHandler, passAbortSignalToHttp, withAbortSignal } from './per-send-abort';

export type QueueSender = (
  queueUrl: string,
  body: string,
  attributes: MessageAttributes,
  signal?: AbortSignal,
  /** For FIFO queues (URL ending in .fifo): the group; the dedupKey attribute is the deduplication id. */
  messageGroupId?: string,
) => Promise<EnqueueOutcome>;

/**
 * Without an endpoint the client honours AWS_REGION and the standard endpoint variables
 * (AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL), so the same bundle talks to a local SQS server. The
 * endpoint never comes from the queue URL's host: the queues live in the function's region, and a
 * local server's queue URLs may name a host that does not resolve. The middleware stack is resolved
 * once, not per send (per-send-abort.ts says how each send still gets its own deadline).
 */
export function createSqsClient(target: AwsClientTarget = {}): SQSClient {
  const client = new SQSClient({
    ...awsClientOptions(target, SQS_LIMITS, new PerSendAbortHttpHandler(target.limits ?? SQS_LIMITS)),
    cacheMiddleware: true,
    useQueueUrlAsEndpoint: false,
  });
  passAbortSignalToHttp(client.middlewareStack);
  return client;
}

/** Our attributes as SQS String message attributes. */
export function toMessageAttributes(attributes: MessageAttributes): Record<string, MessageAttributeValue> {
  const converted: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'string') converted[name] = { DataType: 'String', StringValue: value };
  }
  return converted;
}

/** What a FIFO queue (URL ending in .fifo) requires of each message; nothing for a standard one. */
export function fifoParameters(
  queueUrl: string,
  messageGroupId: string | undefined,
  deduplicationId: string | undefined,
): { MessageGroupId?: string; MessageDeduplicationId?: string } {
  return queueUrl.endsWith('.fifo') && messageGroupId !== undefined && deduplicationId !== undefined
    ? { MessageGroupId: messageGroupId, MessageDeduplicationId: deduplicationId }
    : {};
}

export function createQueueSender(sqs: SQSClient): QueueSender {
  return async (queueUrl, body, attributes, signal, messageGroupId) => {
    const dedupKey = 'dedupKey' in attributes ? attributes.dedupKey : undefined;
    try {
      const input = {
        QueueUrl: queueUrl,
        MessageBody: body,
        MessageAttributes: toMessageAttributes(attributes),
        ...fifoParameters(queueUrl, messageGroupId, dedupKey),
      };
      // No per-send options: they would make the client resolve its middleware stack for every send.
      const sent = await abandonOnAbort(sqs.send(new SendMessageCommand(withAbortSignal(input, signal))), signal);
      if (!sent.MessageId) return { ok: false, failure: 'refused' };
      return { ok: true, messageId: sent.MessageId };
    } catch (error) {
      return { ok: false, failure: sqsAnswered(error) ? 'refused' : 'unreachable', error: describeError(error) };
    }
  };
}

/** An SDK error with an HTTP status came from SQS itself; anything else never reached it. */
function sqsAnswered(error: unknown): boolean {
  return typeof (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 'number';
}
