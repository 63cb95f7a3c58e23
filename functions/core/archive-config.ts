/**
 * The archive processor's configuration, read once at module load and checked there, so a bad
 * setting fails the cold start (every message stays on the archive queue, visibly) rather than
 * each write. Pure: it reads the environment object it is given, nothing else.
 */
import { checkArchivePrefix, DEFAULT_ARCHIVE_PREFIX } from './archive-prefix';
import { readLogSettings } from './receiver-config';

export interface ArchiveConfig {
  /** `ARCHIVE_BUCKET`: the bucket's name (required). */
  readonly bucket: string;
  /** `ARCHIVE_PREFIX`: where keys start, `alerts/` by default; empty or lower-case segments ending in `/`. */
  readonly prefix: string;
  /** `REQUEST_LOG`: `json` (default) writes one JSON line with EMF metrics per message; `off` none. */
  readonly requestLog: boolean;
  /** `METRICS_SCOPE`: the value of every metric's Forwarder dimension (the construct sets it). */
  readonly metricsScope: string;
}

/** S3's rule for new bucket names: 3-63 lower-case letters, digits, dots and hyphens, no `..`. */
const BUCKET_NAME = /^(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function readArchiveConfig(env: NodeJS.ProcessEnv): ArchiveConfig {
  const bucket = env.ARCHIVE_BUCKET ?? '';
  if (!BUCKET_NAME.test(bucket)) throw new Error(`ARCHIVE_BUCKET must be an S3 bucket name, got ${JSON.stringify(bucket)}`);
  return {
    bucket,
    prefix: checkArchivePrefix(env.ARCHIVE_PREFIX ?? DEFAULT_ARCHIVE_PREFIX, 'ARCHIVE_PREFIX'),
    ...readLogSettings(env),
  };
}
