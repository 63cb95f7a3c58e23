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
import type { InboxConfig } from '../core/receiver-config';
import { decidePayload } from '../core/webhook-core';
import { lambdaDeadline } from './deadline';
import { type Deliver, type DeliveryTargetsConfig, deliverDecision, deliveryPipeline } from './deliver';
import { describeError } from './errors';
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
  /** Who sent it (SQS's SenderId: the IAM principal Panther's destination writes as): the inbox's caller id. */
  readonly senderId?: string;
}

export interface InboxDependencies {
  /** The delivery pipeline (deliver.ts). */
  readonly deliver: Deliver;
  /** One call per record; none when undefined. */
  readonly log?: (record: InboxRecord) => void;
}

export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

type Fields = Omit<RequestRecord, 'status' | 'durationMs'>;
/** Logs one record's outcome; returns whether the record is done with. */
type Finish = (status: number, fields: Fields, done: boolean) => boolean;

export function createInboxProcessor(config: InboxConfig, { deliver, log = () => undefined }: InboxDependencies): SqsBatchHandler {
  async function processRecord(record: SQSRecord, context: Context, finish: Finish): Promise<boolean> {
    // An SQS body is text: nothing to base64-decode, and SQS cannot hold what the webhook escapes.
    const decision = decidePayload({ body: record.body }, 'quarantine');
    // Too large to forward with its routing attributes (SQS never hands out an empty body): no queue
    // can take it whole, so it stays on the inbox and, after its retries, waits intact in the
    // inbox's dead-letter queue rather than being dropped.
    if (decision.action === 'reply') return finish(decision.reply.statusCode, recordOf(decision), false);

    const deadline = lambdaDeadline(context);
    try {
      // The webhook's targets (alert queue, matching routes, archive; or the quarantine queue), placed
      // by when SQS took the message, which is the same on every redelivery of it.
      const { sent, reply, fields } = await deliverDecision(config, decision, deliver, deadline.signal, arrivalMs(record));
      return finish(reply.statusCode, fields, sent.ok);
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
            ...(record.attributes.SenderId ? { senderId: record.attributes.SenderId } : {}),
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

/** When SQS took the message (the same on every redelivery); now for a hand-built event without it. */
function arrivalMs(record: SQSRecord): number {
  const sent = Number(record.attributes?.SentTimestamp);
  return Number.isFinite(sent) && sent > 0 ? sent : Date.now();
}

/** The real dependencies: the delivery pipeline, and the stdout request log unless REQUEST_LOG is off. */
export function inboxDependencies(config: InboxConfig, targets: DeliveryTargetsConfig = {}): InboxDependencies {
  return {
    deliver: deliveryPipeline(config.archive, targets, config.bus).deliver,
    ...(config.requestLog ? { log: stdoutRequestLog(config.metricsScope) } : {}),
  };
}
