/**
 * The inbox processor as a factory: configuration and dependencies in, an SQS-triggered Lambda
 * handler out. Panther's Amazon SQS destination puts each alert on the inbox queue as a bare body;
 * the queue policy has already said who may send, so each record takes the webhook's decision less
 * its header check (decidePayload), and goes to the same queues with the same attributes, FIFO
 * group and deduplication id as a webhook delivery of the same body.
 *
 * A record is done (deleted by the event source) only once every queue it goes to confirmed it;
 * otherwise it is reported in batchItemFailures and SQS delivers it again, whole: the queues that took
 * the earlier attempt get it once more (at least once). The copies carry the same dedupKey, which a
 * FIFO queue uses as its deduplication id and a consumer of a standard queue uses to drop them.
 */
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { InboxConfig } from '../core/inbox-config';
import { deliveryTargets } from '../core/delivery-targets';
import { combineOutcomes, type Decision, decidePayload, replyToEnqueue } from '../core/webhook-core';
import type { AwsClientTarget } from './aws-client-options';
import { lambdaDeadline } from './deadline';
import { describeError } from './errors';
import { createQueueSender, createSqsClient, type QueueSender } from './queue-sender';
import { type RequestRecord, recordOf, stdoutRequestLog } from './request-log';

/**
 * The request log's record for one inbox message: the webhook's fields (so the Accepted, Quarantined
 * and EnqueueFailures metrics count both doors), `status` being what the webhook would have
 * answered, plus which door and which message.
 */
export interface InboxRecord extends RequestRecord {
  readonly door: 'inbox';
  /** The inbox message's id: the same on every delivery of it. */
  readonly messageId: string;
  /** SQS's receive count: above 1, the queues that confirmed an earlier attempt already hold a copy. */
  readonly receiveCount: number;
}

export interface InboxDependencies {
  readonly send: QueueSender;
  /** One call per record; none when undefined. */
  readonly log?: (record: InboxRecord) => void;
}

export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

type Fields = Omit<RequestRecord, 'status' | 'durationMs'>;
/** Logs one record's outcome; returns whether the record is done with. */
type Finish = (status: number, fields: Fields, done: boolean) => boolean;

export function createInboxProcessor(config: InboxConfig, { send, log = () => undefined }: InboxDependencies): SqsBatchHandler {
  /** Where a decision's message goes, what the webhook would have answered once it is there, and what the log adds. */
  function destinations(decision: Exclude<Decision, { action: 'reply' }>) {
    if (decision.action === 'quarantine') return { queueUrls: [config.quarantineQueueUrl], receipt: { quarantined: decision }, logged: {} };
    // The webhook's targets: the alert queue, every matching route, the archive queue when set.
    const { queueUrls, routes } = deliveryTargets(config, decision.attributes);
    return { queueUrls, messageGroupId: decision.messageGroupId, receipt: { routes }, logged: { routes } };
  }

  async function processRecord(record: SQSRecord, context: Context, finish: Finish): Promise<boolean> {
    // An SQS body is text: nothing to base64-decode, and SQS cannot hold what the webhook escapes.
    const decision = decidePayload({ body: record.body }, 'quarantine');
    // Too large to forward with its routing attributes (SQS never hands out an empty body): no queue
    // can take it whole, so it stays on the inbox and, after its retries, waits intact in the
    // inbox's dead-letter queue rather than being dropped.
    if (decision.action === 'reply') return finish(decision.reply.statusCode, recordOf(decision), false);

    const { queueUrls, messageGroupId, receipt, logged } = destinations(decision);
    const deadline = lambdaDeadline(context);
    try {
      const sent = combineOutcomes(
        await Promise.all(queueUrls.map((url) => send(url, decision.messageBody, decision.attributes, deadline.signal, messageGroupId))),
      );
      const timedOut = deadline.signal.aborted ? { reason: 'timeout' as const } : {};
      return finish(replyToEnqueue(sent, receipt).statusCode, { ...recordOf(decision, sent), ...(sent.ok ? logged : timedOut) }, sent.ok);
    } finally {
      deadline.clear();
    }
  }

  // Panther's SQS destination sends no group id, so the inbox is a standard queue: its records have
  // no order to keep and are processed in parallel, each under its own deadline.
  return async (event, context) => {
    const done = await Promise.all(
      event.Records.map(async (record) => {
        const started = performance.now();
        const finish: Finish = (status, fields, ok) => {
          log({
            ...fields,
            status,
            durationMs: Math.round(performance.now() - started),
            requestId: context.awsRequestId,
            door: 'inbox',
            messageId: record.messageId,
            receiveCount: Number(record.attributes.ApproximateReceiveCount),
          });
          return ok;
        };
        try {
          return await processRecord(record, context, finish);
        } catch (error) {
          // Only this record is retried: its batch neighbours keep their outcomes.
          return finish(500, { outcome: 'error', reason: 'unexpected', error: describeError(error) }, false);
        }
      }),
    );
    const batchItemFailures: SQSBatchItemFailure[] = event.Records.filter((_, index) => !done[index]).map((record) => ({
      itemIdentifier: record.messageId,
    }));
    return { batchItemFailures };
  };
}

/** The real dependencies: one SQS client for every send, and the stdout request log unless REQUEST_LOG is off. */
export function inboxDependencies(config: InboxConfig, sqs: AwsClientTarget = {}): InboxDependencies {
  return {
    send: createQueueSender(createSqsClient(sqs)),
    ...(config.requestLog ? { log: stdoutRequestLog(config.metricsScope) } : {}),
  };
}
