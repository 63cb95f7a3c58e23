/** Where tail and stats find the archive: the options, else the archive's own variables, else local mode's. */
import { checkArchivePrefix, DEFAULT_ARCHIVE_PREFIX } from '../functions/core/archive-key';
import { LOCAL_SETTINGS as SETTINGS } from '../functions/runtime/local-aws';
import { archiveS3Client } from './replay';
import { localModeEndpoint } from './sqs-client';

export interface ArchiveLocationValues {
  readonly bucket?: string;
  readonly prefix?: string;
  readonly endpoint?: string;
}

/**
 * The client, bucket and prefix to read, and where that is (for messages). With no bucket named
 * anywhere: local mode's archive on its embedded S3, or undefined unless `localByDefault`.
 * Throws naming --prefix when it is not a prefix the archive could have.
 */
export function archiveToRead(values: ArchiveLocationValues, localByDefault: boolean, env: NodeJS.ProcessEnv = process.env) {
  const local = values.bucket === undefined && !env.ARCHIVE_BUCKET;
  if (local && !localByDefault) return undefined;
  const prefix = checkArchivePrefix(values.prefix ?? env.ARCHIVE_PREFIX ?? DEFAULT_ARCHIVE_PREFIX, '--prefix');
  const endpoint = values.endpoint ?? (local ? localModeEndpoint() : undefined);
  return {
    s3: archiveS3Client(endpoint),
    bucket: values.bucket ?? env.ARCHIVE_BUCKET ?? SETTINGS.localArchiveBucket,
    prefix,
    where: endpoint ?? 'S3 (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL or the region)',
  };
}
