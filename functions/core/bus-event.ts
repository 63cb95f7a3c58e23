/**
 * The EventBridge event of an accepted alert: what the bus target puts, decided here so that every
 * door and local mode put the same entry. Pure: no AWS, no I/O.
 *
 * `Detail` is the message body itself (the alert exactly as Panther sent it), so rules match the
 * alert's own fields: `detail.severity`, `detail.type`, `detail.id` (the detection). The one routing
 * attribute that is not a field of the alert, dedupKey, travels in `Resources` (a top-level field rules
 * match with `prefix`), as `panther-alert-forwarder:dedupKey:<sha256>`.
 *
 * An alert too big for one entry goes as a pointer instead: the same routing fields under the same
 * names (so the same rules match it), its dedupKey, the archive object's S3 URI and `"truncated": true`.
 */
import type { Decision, RoutingAttributes } from './webhook-core';

/** The event's fixed `source` and `detail-type` (docs/subscribe.md). */
export const BUS_EVENT_SOURCE = 'panther.alert-forwarder';
export const BUS_EVENT_DETAIL_TYPE = 'Panther Alert';

/** How a failed put's error starts in the request log line; the construct counts those lines as a metric. */
export const BUS_ERROR_PREFIX = 'bus: ';

/** The metric of failed puts (lib/alert-bus.ts counts the log lines whose error starts with BUS_ERROR_PREFIX). */
export const BUS_PUT_FAILURES_METRIC = 'BusPutFailures';

/** What a `Resources` entry carrying the dedupKey starts with. */
export const DEDUP_RESOURCE_PREFIX = 'panther-alert-forwarder:dedupKey:';

/**
 * PutEvents' limit for one entry, counted as EventBridge counts it (busEntryBytes). The service
 * raised it from 256 KB to 1 MB (January 2026); 1 MB read as 10^6 bytes, the smaller reading, so an
 * entry under this is never refused for its size whichever the service means.
 */
export const BUS_ENTRY_LIMIT_BYTES = 1_000_000;

/** One PutEvents request entry, with the field names of the API (AWS JSON 1.1). */
export interface BusEntry {
  readonly EventBusName: string;
  readonly Source: typeof BUS_EVENT_SOURCE;
  readonly DetailType: typeof BUS_EVENT_DETAIL_TYPE;
  readonly Detail: string;
  readonly Resources: readonly string[];
}

/** The detail of an alert put as a pointer: where the whole alert is, and what rules match on. */
export interface PointerDetail {
  readonly truncated: true;
  readonly severity: string;
  readonly type: string;
  /** The detection's id, under the alert's own name for it. */
  readonly id: string;
  readonly alertId?: string;
  readonly dedupKey: string;
  /** `s3://bucket/key` of the archived alert; absent when the forwarder has no archive. */
  readonly archiveUri?: string;
}

/** An entry's size as EventBridge counts it: Source, DetailType, Detail and each Resources entry, in UTF-8. */
export function busEntryBytes(entry: Omit<BusEntry, 'EventBusName'>): number {
  let total = Buffer.byteLength(entry.Source) + Buffer.byteLength(entry.DetailType) + Buffer.byteLength(entry.Detail, 'utf8');
  for (const resource of entry.Resources) total += Buffer.byteLength(resource, 'utf8');
  return total;
}

/** The pointer's detail from the routing attributes (the queue message's, so the two never disagree). */
export function pointerDetail(attributes: RoutingAttributes, archiveUri: string | undefined): PointerDetail {
  const { severity, type, detectionId, alertId, dedupKey } = attributes;
  return {
    truncated: true,
    severity,
    type,
    id: detectionId,
    ...(alertId === undefined ? {} : { alertId }),
    dedupKey,
    ...(archiveUri === undefined ? {} : { archiveUri }),
  };
}

/**
 * The entry for an accepted alert on `eventBusName`: the alert itself, or its pointer when the alert
 * would make the entry larger than the limit. `archiveUri`: where the archive writes it, if anywhere.
 */
export function busEntryOf(
  decision: Extract<Decision, { action: 'enqueue' }>,
  eventBusName: string,
  archiveUri: string | undefined,
  limitBytes: number = BUS_ENTRY_LIMIT_BYTES,
): { readonly entry: BusEntry; readonly truncated: boolean } {
  const entry: BusEntry = {
    EventBusName: eventBusName,
    Source: BUS_EVENT_SOURCE,
    DetailType: BUS_EVENT_DETAIL_TYPE,
    Detail: decision.messageBody,
    Resources: [`${DEDUP_RESOURCE_PREFIX}${decision.attributes.dedupKey}`],
  };
  if (busEntryBytes(entry) <= limitBytes) return { entry, truncated: false };
  return { entry: { ...entry, Detail: JSON.stringify(pointerDetail(decision.attributes, archiveUri)) }, truncated: true };
}
