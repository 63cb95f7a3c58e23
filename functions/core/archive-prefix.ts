/**
 * The archive's key prefix rule, on its own (no validator, no AWS) so the construct checks a prefix at
 * synth exactly as the archive processor checks ARCHIVE_PREFIX at load.
 */

/** Where the archive's keys start unless configured (`ARCHIVE_PREFIX`). */
export const DEFAULT_ARCHIVE_PREFIX = 'alerts/';

/** A prefix: empty, or lower-case path segments each ending in `/` (no `.`/`..` segments, no upper case). */
const ARCHIVE_PREFIX = /^(?:[a-z0-9][a-z0-9._-]*\/)*$/;
/** Leaves room for the partition and the name in S3's 1,024-byte keys. */
const MAX_PREFIX_CHARS = 512;

/** Whether a prefix follows the rule. */
export function isArchivePrefix(value: string): boolean {
  return value.length <= MAX_PREFIX_CHARS && ARCHIVE_PREFIX.test(value);
}

/** The configured prefix, checked (`source` names the setting in the error). */
export function checkArchivePrefix(value: string, source: string): string {
  if (!isArchivePrefix(value)) {
    throw new Error(
      `${source} must be empty or lower-case path segments each ending in /, e.g. ${DEFAULT_ARCHIVE_PREFIX}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
