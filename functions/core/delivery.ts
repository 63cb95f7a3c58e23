/**
 * Where a decided delivery goes, whichever door it came in by: a plan of typed targets that the
 * runtime's `deliver` (runtime/deliver.ts) hands to one sender per kind, all in parallel, and that
 * counts as done only when every target confirmed. The only place that knows what the targets are.
 *
 * A new kind of target is one member of `DeliveryTarget` here, one sender in runtime/, and the
 * construct that creates it and passes its settings (ARCHITECTURE.md lists the files).
 */
import { type ArchiveObject, archiveObjectOf } from './archive-object';
import { type BusEntry, busEntryOf } from './bus-event';
import type { ForwardingSettings } from './receiver-config';
import { matchingRoutes } from './routes';
import type { Decision, MessageAttributes } from './webhook-core';

export type { TargetOutcome } from './webhook-core';

/** A queue message: the alert queue, a route's queue, or the quarantine queue. */
export interface QueueTarget {
  readonly kind: 'queue';
  readonly queueUrl: string;
  /** For FIFO queues: the message group (the dedupKey attribute is the deduplication id). */
  readonly messageGroupId?: string;
}

/** The archive's object of an accepted alert, written once. */
export interface ArchiveTarget {
  readonly kind: 'archive';
  readonly bucket: string;
  readonly object: ArchiveObject;
}

/** The event of an accepted alert on the EventBridge bus: the alert itself, or its pointer when too big (bus-event.ts). */
export interface BusTarget {
  readonly kind: 'bus';
  readonly entry: BusEntry;
  /** The entry is the pointer: the receipt and the log line say so. */
  readonly truncated: boolean;
}

export type DeliveryTarget = QueueTarget | ArchiveTarget | BusTarget;
export type TargetKind = DeliveryTarget['kind'];

/** What is delivered, and where. The message is the same bytes and attributes for every target. */
export interface DeliveryPlan {
  readonly body: string;
  readonly attributes: MessageAttributes;
  /** The first is a queue: its message id is the receipt Panther shows. */
  readonly targets: readonly [QueueTarget, ...DeliveryTarget[]];
  /** The names of the routes that take it, for the receipt and the log. */
  readonly routes: readonly string[];
}

/**
 * The plan for a decision that delivers something. An accepted alert goes to the alert queue, every
 * route it matches and the archive (when there is one); a quarantined body to the quarantine queue only.
 * `arrivalMs` places an archived alert whose createdAt is implausible (archive-key.ts).
 */
export function planDelivery(
  settings: ForwardingSettings,
  decision: Exclude<Decision, { action: 'reply' }>,
  arrivalMs: number,
): DeliveryPlan {
  if (decision.action === 'quarantine') {
    // The receiver refuses to quarantine without a queue (reject mode answers 400 instead).
    return {
      body: decision.messageBody,
      attributes: decision.attributes,
      targets: [{ kind: 'queue', queueUrl: settings.quarantineQueueUrl! }],
      routes: [],
    };
  }
  const { messageGroupId } = decision;
  const matched = matchingRoutes(settings.routes, decision.attributes);
  const archive = settings.archive;
  const archived: ArchiveTarget | undefined =
    archive === undefined
      ? undefined
      : { kind: 'archive', bucket: archive.bucket, object: archiveObjectOf(decision, arrivalMs, archive.prefix) };
  const bus = settings.bus;
  return {
    body: decision.messageBody,
    attributes: decision.attributes,
    targets: [
      { kind: 'queue', queueUrl: settings.queueUrl, messageGroupId },
      ...matched.map((route): QueueTarget => ({ kind: 'queue', queueUrl: route.queueUrl, messageGroupId })),
      ...(archived === undefined ? [] : [archived]),
      ...(bus === undefined
        ? []
        : [
            {
              kind: 'bus',
              ...busEntryOf(decision, bus.eventBusName, archived && `s3://${archived.bucket}/${archived.object.key}`),
            } satisfies BusTarget,
          ]),
    ],
    routes: matched.map((route) => route.name),
  };
}
