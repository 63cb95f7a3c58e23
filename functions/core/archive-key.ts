/**
 * Where an alert lives in the S3 archive: `<prefix>dt=YYYY-MM-DD/hour=HH/<dedupKey>.json`, Hive-style
 * partitions an auditor's SQL engine (Athena) can prune, named by a pure function of the body.
 *
 * The name is the body's SHA-256 (the receiver's dedupKey): a Panther retry of one delivery, or SQS
 * delivering one message twice, writes the same bytes to the same object (idempotent), while a manual
 * "[Re-sent]" has another title, so another body and its own object.
 *
 * The partition is the alert's `createdAt`, normalized to UTC, not the time it arrived. createdAt is
 * inside the body, so the key stays a function of the body alone: a retry that Panther makes hours
 * later (every 15+ minutes, for up to 3 days) still lands on the first delivery's object. Arrival
 * time differs per retry and would put one delivery in several partitions. It is also the time an
 * auditor asks about ("alerts created last Tuesday"), and replay filters on it exactly.
 *
 * A body that is not a valid alert has no trustworthy createdAt. The archive queue only carries what
 * the receiver accepted, so this should never happen; if it does, the body is kept (not retried for
 * ever) under `<prefix>invalid/`, partitioned by the time SQS took the message, which replay and the
 * `dt=` partitions never include.
 *
 * Every key is lower-case letters, digits and `=/-._` in a fixed layout below the prefix, so keys sort
 * the same byte-wise and by locale (fauxqs sorts a listing by locale but resumes a page byte-wise).
 */
import { hash } from 'node:crypto';
import { awsDateTimeToEpochMs } from './aws-date-time';
import { DEFAULT_ARCHIVE_PREFIX } from './archive-prefix';
import { decidePayload, type Decision, type RefusalReason } from './webhook-core';

export { checkArchivePrefix, DEFAULT_ARCHIVE_PREFIX } from './archive-prefix';

/** Below the prefix: bodies that are not valid alerts (never listed by a time-range replay). */
export const INVALID_PARTITION = 'invalid/';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const two = (n: number) => String(n).padStart(2, '0');

/** `dt=YYYY-MM-DD/hour=HH/` of an instant, in UTC. */
export function partitionOf(epochMs: number): string {
  const t = new Date(epochMs);
  return `dt=${String(t.getUTCFullYear()).padStart(4, '0')}-${two(t.getUTCMonth() + 1)}-${two(t.getUTCDate())}/hour=${two(t.getUTCHours())}/`;
}

/** Where one message's body goes: a valid alert under its createdAt's partition, anything else apart. */
export type ArchivePlacement =
  | {
      readonly kind: 'alert';
      readonly key: string;
      /** The receiver's own decision on this body: its routing attributes and the parsed alert. */
      readonly decision: Extract<Decision, { action: 'enqueue' }>;
      /** SHA-256 (hex) of the body: the object's name. */
      readonly dedupKey: string;
    }
  | { readonly kind: 'invalid'; readonly key: string; readonly reason: RefusalReason; readonly dedupKey: string };

/**
 * The placement of a body (as SQS delivered it). `arrivalMs` (when SQS took the message) is used only
 * for a body that is not a valid alert; a valid alert's key depends on the body alone.
 */
export function placeInArchive(body: string, arrivalMs: number, prefix: string = DEFAULT_ARCHIVE_PREFIX): ArchivePlacement {
  // The hash of the stored bytes themselves: what the receiver's dedupKey is for any body SQS carries.
  const dedupKey = hash('sha256', body, 'hex');
  // The receiver's own check, so everything under the dt= partitions is an alert by its rules.
  const decision = decidePayload({ body, isBase64Encoded: false }, 'reject');
  if (decision.action === 'enqueue') {
    // A valid alert's createdAt is an AWSDateTime: the schema's format is this parser's grammar.
    const createdAtMs = awsDateTimeToEpochMs(decision.alert.createdAt)!;
    return { kind: 'alert', key: `${prefix}${partitionOf(createdAtMs)}${dedupKey}.json`, decision, dedupKey };
  }
  const reason = decision.action === 'reply' ? decision.reason : decision.attributes.reason;
  return { kind: 'invalid', key: `${prefix}${INVALID_PARTITION}${partitionOf(arrivalMs)}${dedupKey}.txt`, reason, dedupKey };
}

/**
 * The prefixes to list for the alerts created in [sinceMs, untilMs), in time order: a whole UTC day
 * as one `dt=` prefix (one listing instead of 24), the hours at either end one by one. Objects in the
 * edge hours may lie outside the window; the caller filters them on createdAt.
 */
export function archivePartitionPrefixes(sinceMs: number, untilMs: number, prefix: string = DEFAULT_ARCHIVE_PREFIX): string[] {
  if (!Number.isFinite(sinceMs) || !Number.isFinite(untilMs)) throw new Error('the window needs two finite instants');
  const prefixes: string[] = [];
  // Bounded: one step per hour (or day) of the window.
  for (let hour = Math.floor(sinceMs / HOUR_MS) * HOUR_MS; hour < untilMs; ) {
    const wholeDay = hour % DAY_MS === 0 && hour + DAY_MS <= Math.ceil(untilMs / HOUR_MS) * HOUR_MS;
    const partition = partitionOf(hour);
    prefixes.push(`${prefix}${wholeDay ? partition.slice(0, partition.indexOf('/') + 1) : partition}`);
    hour += wholeDay ? DAY_MS : HOUR_MS;
  }
  return prefixes;
}
