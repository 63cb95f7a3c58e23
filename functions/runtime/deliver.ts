/**
 * The delivery pipeline: the one way anything leaves a function of this project. It takes the core's
 * plan (core/delivery.ts), hands each target to the sender of its kind, all in parallel under the
 * caller's deadline, and answers one outcome: confirmed (the primary queue's message id) only when
 * every target confirmed. The webhook receiver, the inbox processor and local mode (which runs those
 * two) call it; nothing else sends.
 */
import { BUS_ERROR_PREFIX } from '../core/bus-event';
import { type DeliveryPlan, type DeliveryTarget, planDelivery, type TargetKind } from '../core/delivery';
import type { ArchiveSettings, BusSettings, ForwardingSettings } from '../core/receiver-config';
import {
  combineOutcomes,
  type Decision,
  type EnqueueOutcome,
  replyToEnqueue,
  type TargetOutcome,
  type WebhookReply,
} from '../core/webhook-core';
import type { AwsClientTarget } from './aws-client-options';
import { archiveSender } from './archive-writer';
import { busSender } from './bus-sender';
import { createQueueSender, createSqsClient, type QueueSender } from './queue-sender';
import { type RequestRecord, recordOf } from './request-log';

/** One sender per kind of target: a new kind does not compile until it has its sender. */
export type TargetSenders = {
  readonly [K in TargetKind]: (
    target: Extract<DeliveryTarget, { kind: K }>,
    plan: DeliveryPlan,
    signal?: AbortSignal,
  ) => Promise<TargetOutcome>;
};

export type Deliver = (plan: DeliveryPlan, signal?: AbortSignal) => Promise<EnqueueOutcome>;

export function createDeliver(senders: TargetSenders): Deliver {
  const sendTo = (target: DeliveryTarget, plan: DeliveryPlan, signal?: AbortSignal): Promise<TargetOutcome> =>
    // The union is narrowed by kind; TypeScript cannot follow the index, so the pairing is asserted once here.
    (senders[target.kind] as (target: DeliveryTarget, plan: DeliveryPlan, signal?: AbortSignal) => Promise<TargetOutcome>)(
      target,
      plan,
      signal,
    );
  return async (plan, signal) => {
    const [primary, ...others] = plan.targets;
    const outcomes = await Promise.all([sendTo(primary, plan, signal), ...others.map((target) => sendTo(target, plan, signal))]);
    return combineOutcomes(outcomes as [TargetOutcome, ...TargetOutcome[]]);
  };
}

/** A delivered decision: the webhook's answer (the inbox logs its status), and what the log line says. */
export interface Delivered {
  readonly sent: EnqueueOutcome;
  readonly reply: WebhookReply;
  readonly fields: Omit<RequestRecord, 'status' | 'durationMs'>;
}

/**
 * Both doors' one step after the decision: plan it, deliver it under the deadline, and say what it
 * amounts to. `arrivalMs` places an alert whose createdAt cannot be (archive-key.ts).
 */
export async function deliverDecision(
  settings: ForwardingSettings,
  decision: Exclude<Decision, { action: 'reply' }>,
  deliver: Deliver,
  deadline: AbortSignal,
  arrivalMs: number = Date.now(),
): Promise<Delivered> {
  const plan = planDelivery(settings, decision, arrivalMs);
  const sent = await deliver(plan, deadline);
  const receipt = decision.action === 'quarantine' ? { quarantined: decision } : { routes: plan.routes };
  // An alert too big for the bus went there as its pointer: the receipt and the log line say so.
  const busEvent = plan.targets.some((target) => target.kind === 'bus' && target.truncated) ? { busEvent: 'pointer' as const } : {};
  const confirmed = decision.action === 'enqueue' ? { routes: plan.routes, ...busEvent } : {};
  return {
    sent,
    reply: replyToEnqueue(sent, { ...receipt, ...busEvent }),
    fields: { ...recordOf(decision, sent), ...(sent.ok ? confirmed : deadline.aborted ? { reason: 'timeout' as const } : {}) },
  };
}

/** The queue kind's sender from a QueueSender: the plan's body and attributes, the target's queue and FIFO group. */
export function queueTargetSender(send: QueueSender): TargetSenders['queue'] {
  return (target, plan, signal) => send(target.queueUrl, plan.body, plan.attributes, signal, target.messageGroupId);
}

/** No archive configured, yet a plan names one: a failed delivery (a 5xx), never a silent skip. */
const NO_ARCHIVE: TargetSenders['archive'] = async () => ({ ok: false, failure: 'refused', error: 'archive: not configured' });

/** No bus configured, yet a plan names one: a failed delivery, as for the archive. */
export const NO_BUS: TargetSenders['bus'] = async () => ({ ok: false, failure: 'refused', error: `${BUS_ERROR_PREFIX}not configured` });

/** Where the real senders connect; unset fields follow the SDK's own resolution (the Lambda's case). */
export interface DeliveryTargetsConfig {
  readonly sqs?: AwsClientTarget;
  readonly s3?: AwsClientTarget;
  /** EventBridge (local mode's recording bus, a test's fake PutEvents). */
  readonly events?: AwsClientTarget;
}

/**
 * The real pipeline of a function: one SQS client for every queue, and the archive's PUT signed with
 * that client's credentials and signer (no second SDK client). Returns the SQS client too, for what
 * else borrows its configuration (the secret read).
 */
export function deliveryPipeline(archive: ArchiveSettings | undefined, targets: DeliveryTargetsConfig = {}, bus?: BusSettings) {
  const sqs = createSqsClient(targets.sqs);
  const write = archive === undefined ? undefined : archiveSender(sqs.config, targets.s3);
  const put = bus === undefined ? undefined : busSender(sqs.config, targets.events);
  const deliver = createDeliver({
    queue: queueTargetSender(createQueueSender(sqs)),
    archive: write === undefined ? NO_ARCHIVE : (target, plan, signal) => write(target, plan.body, signal),
    bus: put === undefined ? NO_BUS : (target, _plan, signal) => put(target.entry, signal),
  });
  return { deliver, sqs };
}
