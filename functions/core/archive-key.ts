/**
 * Where an alert lives in the S3 archive: `<prefix>dt=YYYY-MM-DD/hour=HH/<dedupKey>.json`, Hive-style
 * partitions an auditor's SQL engine (Athena) can prune, named by the body's SHA-256 (the receiver's
 * dedupKey). A Panther retry of one delivery writes the same bytes to the same key (write-once makes
 * the second write a no-op), while a manual "[Re-sent]" has another title, so its own object.
 *
 * The partition is the alert's `createdAt`, normalized to UTC, not the time it arrived: a retry Panther
 * makes hours later (every 15+ minutes, for up to 3 days) still lands on the first delivery's object,
 * and it is the time an auditor asks about ("alerts created last Tuesday").
 *
 * One exception keeps every key well formed and visible to SQL: a createdAt the schema accepts but no
 * real alert has (year 0000, year 9999 with an offset that crosses into 10000, or simply days away
 * from now) would make a malformed or unprojected partition. An alert created more than
 * ARCHIVE_LATE_DAYS before it arrived, or more than a day after, is placed by its arrival hour instead,
 * and its metadata says so (`placement: arrival`). The Glue table projects exactly the days this rule
 * can produce (lib/ reads the same constants; test/lib checks the two together).
 *
 * Every key is lower-case letters, digits and `=/-._` in a fixed layout below the prefix, so keys sort
 * the same byte-wise and by locale (fauxqs sorts a listing by locale but resumes a page byte-wise).
 */
import { DEFAULT_ARCHIVE_PREFIX } from './archive-prefix';
import { FORWARDER_SETTINGS } from './settings';

export { checkArchivePrefix, DEFAULT_ARCHIVE_PREFIX } from './archive-prefix';

/** Below the prefix: bodies earlier versions kept apart because they were not valid alerts (never replayed). */
export const INVALID_PARTITION = 'invalid/';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * How long before its arrival an alert may have been created and still be placed by createdAt:
 * Panther retries for 3 days, and an inbox message may wait out the queue's retention before it is read.
 */
export const ARCHIVE_LATE_DAYS = FORWARDER_SETTINGS.archiveLateDays;
/** How far after its arrival (the sender's clock ahead of ours) createdAt may lie. */
export const ARCHIVE_EARLY_DAYS = 1;

const two = (n: number) => String(n).padStart(2, '0');

/** `dt=YYYY-MM-DD/hour=HH/` of an instant, in UTC; a RangeError for a year without four digits. */
export function partitionOf(epochMs: number): string {
  const t = new Date(epochMs);
  const year = t.getUTCFullYear();
  if (!(year >= 0 && year <= 9999))
    throw new RangeError(`no dt= partition for ${Number.isNaN(year) ? 'an invalid instant' : `year ${year}`}`);
  return `dt=${String(year).padStart(4, '0')}-${two(t.getUTCMonth() + 1)}-${two(t.getUTCDate())}/hour=${two(t.getUTCHours())}/`;
}

/** How a key's partition was chosen: the alert's createdAt (the rule), or its arrival (the exception). */
export type Placement = 'created' | 'arrival';

/**
 * The key of an accepted alert. `createdAtMs`: its createdAt (undefined when it cannot be read);
 * `arrivalMs`: when this function took it.
 */
export function archiveKey(
  dedupKey: string,
  createdAtMs: number | undefined,
  arrivalMs: number,
  prefix: string = DEFAULT_ARCHIVE_PREFIX,
): { readonly key: string; readonly placement: Placement } {
  const plausible =
    createdAtMs !== undefined &&
    createdAtMs >= arrivalMs - ARCHIVE_LATE_DAYS * DAY_MS &&
    createdAtMs <= arrivalMs + ARCHIVE_EARLY_DAYS * DAY_MS;
  const placement: Placement = plausible ? 'created' : 'arrival';
  return { key: `${prefix}${partitionOf(plausible ? createdAtMs : arrivalMs)}${dedupKey}.json`, placement };
}

/**
 * Whether an alert created at `createdAtMs` can have been filed by its arrival under the hour that
 * starts at `hourMs`: some instant of that hour makes its createdAt implausible (replay's check of an
 * object that says `placement: arrival`).
 */
export function arrivalPlacementFits(createdAtMs: number, hourMs: number): boolean {
  // The hour's last instant is its latest possible arrival, its first the earliest.
  return createdAtMs < hourMs + HOUR_MS - 1 - ARCHIVE_LATE_DAYS * DAY_MS || createdAtMs > hourMs + ARCHIVE_EARLY_DAYS * DAY_MS;
}

/** The partition of an instant, or undefined where none can name it (a year without four digits). */
export function partitionIfAny(epochMs: number): string | undefined {
  try {
    return partitionOf(epochMs);
  } catch {
    return undefined;
  }
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
