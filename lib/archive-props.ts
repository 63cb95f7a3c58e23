/** The archive's props, their defaults, and their checks at synth. */
import { Token } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { isArchivePrefix } from '../functions/core/archive-prefix';
import { ENV, type FunctionEnvironment } from '../functions/core/environment';
import { TRANSITION_DAYS } from './archive-buckets';
import { Problems } from './problems';

const MAX_ARCHIVE_DAYS = 2 * 3650;
/** Athena's smallest per-query scan cutoff (10 MB). */
const MIN_SCAN_CUTOFF_BYTES = 10_000_000;

/** 10 GiB: about $0.05 of Athena scanning per query, some three million 3 KB alerts. */
export const DEFAULT_SCAN_CUTOFF_BYTES = 10 * 1024 ** 3;

export const ALERT_ARCHIVE_DEFAULTS = {
  archiveDays: 365,
  objectLock: false,
  prefix: 'alerts/',
  bytesScannedCutoffPerQuery: DEFAULT_SCAN_CUTOFF_BYTES,
} as const;

export interface AlertArchiveProps {
  /**
   * A customer-managed KMS key for the archive and the query results (SSE-KMS, with S3 Bucket Keys).
   * @default S3-managed encryption (SSE-S3)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Days each alert is kept from its write: the lifecycle expiry, the Object Lock retention, and
   * (with the days an alert can arrive late) the start of the table's date range. Alerts of 128 KB
   * or more move to Standard-IA after 30 days, so at least 31.
   * @default 365
   */
  readonly archiveDays?: number;
  /**
   * S3 Object Lock in COMPLIANCE mode, default retention `archiveDays`: no one, the account root
   * included, can delete or overwrite an alert version before then (the lifecycle expiry still removes
   * it after). One-way: S3 never turns Object Lock off again for the bucket, nor suspends its versioning.
   * @default false
   */
  readonly objectLock?: boolean;
  /**
   * Key prefix of the alerts, as the doors' ARCHIVE_PREFIX: empty, or lower-case path segments each
   * ending in `/`.
   * @default 'alerts/'
   */
  readonly prefix?: string;
  /**
   * The Glue database (lower-case letters, digits and _), as analysts will type it.
   * @default a name unique to this construct, e.g. `pantheralertforwarder_archive_90b8f0f9`
   */
  readonly databaseName?: string;
  /**
   * The most a query in the workgroup may scan (Athena cancels it there): a bound on what one query
   * costs ($5 per TB scanned). At least 10,000,000 (Athena's minimum).
   * @default 10 GiB (10737418240 bytes)
   */
  readonly bytesScannedCutoffPerQuery?: number;
}

/** The forwarder's archive props: none of them applies with `archive: false`. */
export interface ForwarderArchiveProps {
  /**
   * Keep every accepted alert in an S3 archive (encrypted, versioned, TLS-only, retained), queryable
   * with Athena, replayable by time range. Each door writes an alert it accepted itself, once
   * (a create-only PUT; S3 refuses any other). Costs, per million ~3 KB alerts: ~$5 of S3 PUTs;
   * storage ~$0.07 per month (S3 Standard, $0.023 per GB-month); docs/archive.md has the rest.
   * @default true
   */
  readonly archive?: boolean;
  /**
   * How many days the archive keeps an alert (then S3 deletes it).
   * @default 365
   */
  readonly archiveDays?: number;
  /**
   * S3 Object Lock in compliance mode for `archiveDays`: nobody, root included, can delete or
   * overwrite an archived alert before then. Can never be turned off for that bucket.
   * @default false
   */
  readonly archiveLock?: boolean;
  /**
   * The most one query in the archive's Athena workgroup may scan before Athena cancels it: a bound
   * on what a query costs ($5 per TB scanned). At least 10000000 bytes (Athena's minimum).
   * @default 10737418240 (10 GiB)
   */
  readonly archiveScanCutoffBytes?: number;
}

/** The archive's props besides `archive` itself: what `archive: false` leaves without a meaning. */
export const ARCHIVE_ONLY_PROPS = [
  'archiveDays',
  'archiveLock',
  'archiveScanCutoffBytes',
] as const satisfies readonly (keyof ForwarderArchiveProps)[];

/** What a read grant covers. */
export interface ArchiveReadOptions {
  /**
   * Also the bodies that were not alerts (`<prefix>invalid/`): whatever an authenticated caller sent.
   * @default false (the alerts' `dt=` partitions only)
   */
  readonly includeInvalid?: boolean;
}

/** The props with their defaults, checked at synth: every problem at once, each naming the prop and the value. */
export function checkAlertArchiveProps(props: AlertArchiveProps, defaultDatabaseName: () => string) {
  const problems = new Problems();
  const databaseName = props.databaseName ?? defaultDatabaseName();
  collectArchiveProblems({ ...props, databaseName }, (prop, why) => problems.add(prop, why));
  problems.throwIfAny('AlertArchive');
  return {
    archiveDays: props.archiveDays ?? ALERT_ARCHIVE_DEFAULTS.archiveDays,
    prefix: props.prefix ?? ALERT_ARCHIVE_DEFAULTS.prefix,
    databaseName,
    bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? ALERT_ARCHIVE_DEFAULTS.bytesScannedCutoffPerQuery,
    objectLock: props.objectLock ?? ALERT_ARCHIVE_DEFAULTS.objectLock,
  };
}

/** Every problem of the given props (an absent one is its default), each for `fail` with the prop and the value. */
export function collectArchiveProblems(props: AlertArchiveProps, fail: (prop: keyof AlertArchiveProps, why: string) => void): void {
  const problem = (prop: keyof AlertArchiveProps, why: string, value: unknown) => fail(prop, `${why}, got ${JSON.stringify(value)}`);
  const { archiveDays = ALERT_ARCHIVE_DEFAULTS.archiveDays, prefix = ALERT_ARCHIVE_DEFAULTS.prefix, databaseName } = props;
  const minDays = TRANSITION_DAYS + 1;
  if (!Token.isUnresolved(archiveDays) && (!Number.isInteger(archiveDays) || archiveDays < minDays || archiveDays > MAX_ARCHIVE_DAYS)) {
    problem(
      'archiveDays',
      `must be a whole number from ${minDays} (alerts move to Standard-IA after ${TRANSITION_DAYS}) to ${MAX_ARCHIVE_DAYS}`,
      archiveDays,
    );
  }
  const cutoff = props.bytesScannedCutoffPerQuery ?? ALERT_ARCHIVE_DEFAULTS.bytesScannedCutoffPerQuery;
  if (!Token.isUnresolved(cutoff) && (!Number.isSafeInteger(cutoff) || cutoff < MIN_SCAN_CUTOFF_BYTES)) {
    problem('bytesScannedCutoffPerQuery', `must be a whole number of bytes, at least ${MIN_SCAN_CUTOFF_BYTES} (Athena's minimum)`, cutoff);
  }
  if (!isArchivePrefix(prefix)) problem('prefix', 'must be empty or lower-case path segments each ending in / (e.g. "alerts/")', prefix);
  if (databaseName !== undefined && !/^[a-z0-9_]{1,255}$/.test(databaseName))
    problem('databaseName', 'must be 1-255 lower-case letters, digits or _', databaseName);
}

/** What a door needs to write to the archive: its bucket and prefix, none without an archive. */
export function archiveEnvironment(
  archive: { readonly bucket: { readonly bucketName: string }; readonly prefix: string } | undefined,
): FunctionEnvironment {
  return archive ? { [ENV.archiveBucket]: archive.bucket.bucketName, [ENV.archivePrefix]: archive.prefix } : {};
}
