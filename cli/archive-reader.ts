/**
 * Reading the archive the way its writer lays it out (functions/core/archive-key.ts, archive-object.ts),
 * trusting nothing in the bucket: an object is genuine only when its key is in the layout
 * (`<prefix>dt=YYYY-MM-DD/hour=HH/<64 lower hex>.json`, a real date and hour), its name is the SHA-256
 * of its bytes, its `dedupkey` metadata says the same, and its partition is the one its createdAt gives
 * (or, with `placement=arrival`, a createdAt too far from that hour to be filed under its own). A
 * renamed or overwritten object, or one planted under a name that is not its hash, fails one of these
 * checks. A new object that is self-consistent (hash name, metadata, partition) passes: only the
 * writers' PutObject right can make one, and nothing short of a signature over the body would tell it
 * from a genuine alert.
 * Only reads: nothing here changes the bucket.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { arrivalPlacementFits, partitionIfAny, partitionOf } from '../functions/core/archive-key';
import { ARRIVAL_PLACEMENT, decodeMetadataValue, METADATA_NAMES, PLACEMENT_METADATA } from '../functions/core/archive-object';
import { awsDateTimeToEpochMs } from '../functions/core/aws-date-time';
import { decidePayload, type Decision } from '../functions/core/webhook-core';
import { describeError } from '../functions/runtime/errors';

export const HOUR_MS = 3_600_000;

const KEY_LAYOUT = /^(dt=(\d{4})-(\d{2})-(\d{2})\/hour=(\d{2})\/)([0-9a-f]{64})\.json$/;

export interface ArchiveKey {
  /** `dt=YYYY-MM-DD/hour=HH/`. */
  readonly partition: string;
  /** The partition's first instant. */
  readonly hourMs: number;
  /** The 64 hex characters: the SHA-256 the bytes must have. */
  readonly name: string;
}

/** The key's parts, or why it is not a key the archive writes. */
export function parseArchiveKey(key: string, prefix: string): ArchiveKey | { readonly reason: string } {
  const match = key.startsWith(prefix) ? KEY_LAYOUT.exec(key.slice(prefix.length)) : null;
  if (match === null) return { reason: `its key is outside the archive's layout (${prefix}dt=YYYY-MM-DD/hour=HH/<sha256>.json)` };
  const [, partition, year, month, day, hour, name] = match as unknown as [string, string, string, string, string, string, string];
  const instant = new Date(0);
  // setUTCFullYear, not Date.UTC (which reads years 0-99 as 1900-1999); a day or hour out of range rolls over.
  instant.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  instant.setUTCHours(Number(hour));
  if (partitionOf(instant.getTime()) !== partition) return { reason: `its partition ${partition} is not a real date and hour` };
  return { partition, hourMs: instant.getTime(), name };
}

type Enqueue = Extract<Decision, { action: 'enqueue' }>;

/** One object, judged. */
export type ArchivedRead =
  /** Genuine, and a Panther alert: the receiver's decision on its bytes. */
  | {
      readonly key: string;
      readonly outcome: 'alert';
      readonly decision: Enqueue;
      /** The instant a time window applies to: createdAt, or for an alert placed on arrival its partition's hour. */
      readonly timeMs: number;
      /** Set when placed by arrival: only the hour is known. */
      readonly arrivalHour: boolean;
      readonly metadata: Readonly<Record<string, string>>;
    }
  /** Not what the archive wrote there: never to be used. */
  | { readonly key: string; readonly outcome: 'refused'; readonly reason: string }
  /** Could not be read, or genuine but not an alert (the writer keeps those apart; it should not happen). */
  | { readonly key: string; readonly outcome: 'failed'; readonly reason: string };

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Reads one listed object and judges it (see the module comment). Reads nothing for a key outside the layout. */
export async function readArchived(s3: S3Client, bucket: string, key: string, prefix: string): Promise<ArchivedRead> {
  const parsed = parseArchiveKey(key, prefix);
  if ('reason' in parsed) return { key, outcome: 'refused', reason: parsed.reason };
  let bytes: Uint8Array;
  let metadata: Record<string, string>;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    bytes = (await object.Body?.transformToByteArray()) ?? new Uint8Array();
    metadata = object.Metadata ?? {};
  } catch (error) {
    return { key, outcome: 'failed', reason: `could not be read (${describeError(error)})` };
  }
  const digest = sha256(bytes);
  if (digest !== parsed.name) return { key, outcome: 'refused', reason: `its name is not the SHA-256 of its bytes (${digest})` };
  const stored = metadata[METADATA_NAMES.dedupKey];
  if (stored === undefined) return { key, outcome: 'refused', reason: `it has no ${METADATA_NAMES.dedupKey} metadata` };
  if (decodeMetadataValue(stored) !== parsed.name) {
    return { key, outcome: 'refused', reason: `its ${METADATA_NAMES.dedupKey} metadata (${stored}) is not its name` };
  }
  const decision = decidePayload({ body: Buffer.from(bytes).toString('base64'), isBase64Encoded: true }, 'reject');
  if (decision.action !== 'enqueue') {
    const refusal = decision.action === 'reply' ? decision.reply.body : decision.refusal;
    return { key, outcome: 'failed', reason: `is not a Panther alert (${[refusal.error, ...(refusal.details ?? [])].join('; ')})` };
  }
  // A valid alert's createdAt is an AWSDateTime (the schema's format).
  const createdAtMs = awsDateTimeToEpochMs(decision.alert.createdAt)!;
  const arrivalHour = metadata[PLACEMENT_METADATA] === ARRIVAL_PLACEMENT;
  const named = partitionIfAny(createdAtMs) ?? 'no partition';
  if (arrivalHour && !arrivalPlacementFits(createdAtMs, parsed.hourMs)) {
    return {
      key,
      outcome: 'refused',
      reason: `misplaced: its ${PLACEMENT_METADATA} metadata says ${ARRIVAL_PLACEMENT}, but its createdAt names ${named}, which the writer would have used`,
    };
  }
  if (!arrivalHour && named !== parsed.partition) {
    return { key, outcome: 'refused', reason: `misplaced: its createdAt belongs under ${named}` };
  }
  return { key, outcome: 'alert', decision, timeMs: arrivalHour ? parsed.hourMs : createdAtMs, arrivalHour, metadata };
}

/** A listed object: its key and when it was written. */
export interface ListedObject {
  readonly key: string;
  readonly modifiedMs: number;
}

/** The objects under a prefix, a listing page (up to 1,000) at a time, in key order: never all of them at once. */
export async function* listPages(s3: S3Client, bucket: string, prefix: string, signal?: AbortSignal): AsyncGenerator<ListedObject[]> {
  let token: string | undefined;
  do {
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      signal === undefined ? {} : { abortSignal: signal },
    );
    yield (listed.Contents ?? []).flatMap((object) =>
      object.Key === undefined ? [] : [{ key: object.Key, modifiedMs: object.LastModified?.getTime() ?? 0 }],
    );
    if (listed.IsTruncated && (listed.NextContinuationToken === undefined || listed.NextContinuationToken === token)) {
      throw new Error(`the listing of ${prefix} is truncated but gives no new continuation token`);
    }
    token = listed.IsTruncated ? listed.NextContinuationToken : undefined;
  } while (token !== undefined);
}
