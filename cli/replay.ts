/**
 * `replay`: sends the archived alerts created in a time window (optionally of some severities or
 * types) to a queue again, at least once, each as the receiver would have sent it: the stored bytes
 * go through the receiver's own decision (`decidePayload`), which gives the body, the routing
 * attributes and the FIFO group. An object that cannot be read or is not an alert is never skipped
 * in silence: it is reported, and the run counts as failed.
 *
 * The archive is listed by partition (archive-key.ts), in time order; each partition's objects are
 * read in parallel, then sent in createdAt order, one by one into a FIFO queue (so each detection's
 * alerts keep their order), in parallel into a standard one.
 */
import { randomUUID } from 'node:crypto';
import type { ParseArgsConfig } from 'node:util';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { archivePartitionPrefixes, checkArchivePrefix, DEFAULT_ARCHIVE_PREFIX } from '../functions/core/archive-key';
import { awsDateTimeToEpochMs } from '../functions/core/aws-date-time';
import { inParallel } from './in-parallel';
import { replayDeduplicationId } from './redrive-dedup';
import { ALERT_TYPE, matchingRoutes, SEVERITIES } from '../functions/core/routes';
import { decidePayload, type Decision } from '../functions/core/webhook-core';
import { createS3Client } from '../functions/runtime/archive-store';
import { describeError } from '../functions/runtime/errors';
import { localS3Client } from '../functions/runtime/local-aws';
import { fifoParameters, toMessageAttributes } from '../functions/runtime/queue-sender';

export interface ReplayOptions {
  /** The window on createdAt: from `since` (included) to `until` (excluded). */
  readonly since: Date;
  readonly until: Date;
  /** The queue URL to send to. */
  readonly to: string;
  /** Only these severities / types (each: all when absent). */
  readonly severity?: readonly string[];
  readonly type?: readonly string[];
  /** Read and filter, send nothing. */
  readonly dryRun?: boolean;
  /** The archive bucket; default $ARCHIVE_BUCKET. */
  readonly bucket?: string;
  /** Where the archive's keys start; default $ARCHIVE_PREFIX, else `alerts/`. */
  readonly prefix?: string;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  /** Called once per object, when its outcome is known. */
  readonly progress?: (event: ReplayProgress) => void;
}

export interface ReplayProgress {
  readonly key: string;
  readonly outcome: 'sent' | 'would-send' | 'skipped' | 'failed';
  /** Why it failed. */
  readonly reason?: string;
}

export interface ReplayFailure {
  readonly key: string;
  readonly reason: string;
}

export interface ReplaySummary {
  /** Objects that passed the window and the filters (what a dry run would send). */
  readonly matched: number;
  /** Sent to the queue (0 on a dry run). */
  readonly sent: number;
  /** Listed but outside the window, or of another severity or type. */
  readonly skippedByFilter: number;
  /** Could not be read, were not alerts, or could not be sent: the run failed if any. */
  readonly failed: readonly ReplayFailure[];
}

/** Objects read (and sent into a standard queue) at once. */
const PARALLEL = 16;
/** ListObjectsV2 pages per partition (1,000 keys each): far beyond an hour's or a day's alerts. */
const MAX_PAGES = 1_000;

type Enqueue = Extract<Decision, { action: 'enqueue' }>;
type Read = { readonly key: string; readonly decision: Enqueue } | ReplayFailure;

async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(listed.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [object.Key])));
    if (!listed.IsTruncated) return keys;
    token = listed.NextContinuationToken;
  }
  throw new Error(`${prefix} holds more than ${MAX_PAGES * 1_000} objects: replay a shorter window`);
}

/** The receiver's decision on one stored object, or why there is none. */
async function readAlert(s3: S3Client, bucket: string, key: string): Promise<Read> {
  let bytes: Uint8Array;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    bytes = (await object.Body?.transformToByteArray()) ?? new Uint8Array();
  } catch (error) {
    return { key, reason: `could not be read (${describeError(error)})` };
  }
  const decision = decidePayload({ body: Buffer.from(bytes).toString('base64'), isBase64Encoded: true }, 'reject');
  if (decision.action === 'enqueue') return { key, decision };
  const refusal = decision.action === 'reply' ? decision.reply.body : decision.refusal;
  return { key, reason: `is not a Panther alert (${[refusal.error, ...(refusal.details ?? [])].join('; ')})` };
}

/** The bucket and prefix to read: the options, else the archive processor's own variables. */
function archiveLocation(options: ReplayOptions, env: NodeJS.ProcessEnv): { bucket: string; prefix: string } {
  const bucket = options.bucket ?? env.ARCHIVE_BUCKET;
  if (!bucket) throw new Error('no archive bucket: give one, or set ARCHIVE_BUCKET');
  const prefix = checkArchivePrefix(options.prefix ?? env.ARCHIVE_PREFIX ?? DEFAULT_ARCHIVE_PREFIX, 'the archive prefix');
  return { bucket, prefix };
}

/** The severity and type filter, checked: a misspelt severity would otherwise match nothing, silently. */
function replayFilter(options: Pick<ReplayOptions, 'severity' | 'type'>) {
  const bad = options.severity?.find((severity) => !SEVERITIES.includes(severity));
  if (bad !== undefined) throw new Error(`severity ${JSON.stringify(bad)} is not one of ${SEVERITIES.join(', ')}`);
  const badType = options.type?.find((type) => !ALERT_TYPE.test(type));
  if (badType !== undefined) throw new Error(`type ${JSON.stringify(badType)} is not an alert type (UPPER_SNAKE_CASE, e.g. RULE)`);
  // The filter a route has, matched by the same function as the receiver's routes.
  return { name: 'replay', severities: options.severity, types: options.type };
}

export async function runReplay(options: ReplayOptions, env: NodeJS.ProcessEnv = process.env): Promise<ReplaySummary> {
  const { s3, sqs, to, dryRun = false, progress = () => undefined } = options;
  const [sinceMs, untilMs] = [options.since.getTime(), options.until.getTime()];
  if (!(sinceMs < untilMs)) throw new Error('the window is empty: since must be before until');
  const { bucket, prefix } = archiveLocation(options, env);
  const filter = replayFilter(options);
  const fifo = to.endsWith('.fifo');
  const runId = randomUUID();
  let matched = 0;
  let sent = 0;
  let skippedByFilter = 0;
  const failed: ReplayFailure[] = [];
  const fail = (failure: ReplayFailure) => {
    failed.push(failure);
    progress({ ...failure, outcome: 'failed' });
  };

  const send = async ({ key, decision }: { key: string; decision: Enqueue }): Promise<boolean> => {
    if (dryRun) {
      progress({ key, outcome: 'would-send' });
      return true;
    }
    try {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: to,
          MessageBody: decision.messageBody,
          // The receiver's attributes, and the run: a consumer that drops repeats by dedupKey lets
          // a replay through (it is asked for) and still drops a run's own duplicates.
          MessageAttributes: { ...toMessageAttributes(decision.attributes), replayRun: { DataType: 'String', StringValue: runId } },
          ...fifoParameters(to, decision.messageGroupId, replayDeduplicationId(runId, decision.attributes.dedupKey)),
        }),
      );
      sent += 1;
      progress({ key, outcome: 'sent' });
      return true;
    } catch (error) {
      fail({ key, reason: `could not be sent (${describeError(error)})` });
      return false;
    }
  };

  /** Into FIFO, a detection whose alert could not be sent gets no later alert this run: its order is kept. */
  const stalledGroups = new Set<string>();
  const sendInOrder = async (alert: { key: string; decision: Enqueue }) => {
    if (stalledGroups.has(alert.decision.messageGroupId)) {
      return fail({ key: alert.key, reason: 'not sent: an earlier alert of its detection could not be (FIFO order kept)' });
    }
    if (!(await send(alert))) stalledGroups.add(alert.decision.messageGroupId);
  };

  for (const partition of archivePartitionPrefixes(sinceMs, untilMs, prefix)) {
    const reads = await inParallel(await listKeys(s3, bucket, partition), PARALLEL, (key) => readAlert(s3, bucket, key));
    const chosen: { key: string; decision: Enqueue; createdAtMs: number }[] = [];
    for (const read of reads) {
      if (!('decision' in read)) {
        fail(read);
        continue;
      }
      // A valid alert's createdAt is an AWSDateTime (the schema's format).
      const createdAtMs = awsDateTimeToEpochMs(read.decision.alert.createdAt)!;
      if (createdAtMs < sinceMs || createdAtMs >= untilMs || matchingRoutes([filter], read.decision.attributes).length === 0) {
        skippedByFilter += 1;
        progress({ key: read.key, outcome: 'skipped' });
        continue;
      }
      chosen.push({ ...read, createdAtMs });
    }
    chosen.sort((a, b) => a.createdAtMs - b.createdAtMs || (a.key < b.key ? -1 : 1));
    matched += chosen.length;
    if (fifo) for (const alert of chosen) await sendInOrder(alert);
    else await inParallel(chosen, PARALLEL, send);
  }
  return { matched, sent, skippedByFilter, failed };
}

/**
 * An S3 client for the archive: with `endpoint` (local mode: fauxqs's port, which serves S3 too)
 * local credentials unless real ones are configured; without, the SDK's own resolution
 * (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the region and credential chain).
 */
export function archiveS3Client(endpoint?: string): S3Client {
  if (endpoint === undefined) return createS3Client();
  return !process.env.AWS_ACCESS_KEY_ID && !process.env.AWS_PROFILE ? localS3Client(endpoint) : createS3Client({ endpoint });
}

/** The options of `panther-forwarder replay`, as node:util's parseArgs takes them. */
export const REPLAY_ARGS = {
  since: { type: 'string' },
  until: { type: 'string' },
  to: { type: 'string' },
  severity: { type: 'string', multiple: true },
  type: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean', default: false },
  bucket: { type: 'string' },
  prefix: { type: 'string' },
  endpoint: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/** What parseArgs gives for REPLAY_ARGS. */
export interface ReplayArgValues {
  readonly since?: string;
  readonly until?: string;
  readonly to?: string;
  readonly severity?: readonly string[];
  readonly type?: readonly string[];
  readonly 'dry-run'?: boolean;
  readonly bucket?: string;
  readonly prefix?: string;
  readonly endpoint?: string;
}

/** The help text of `replay`, as the CLI's USAGE lists each command. */
export const REPLAY_HELP = `  replay --since TIME [--until TIME] --to URL [--severity S]... [--type T]... [--dry-run]
         [--bucket NAME] [--prefix PREFIX] [--endpoint URL]
      Send the archived alerts created in [--since, --until) to the queue --to, at least
      once, each with the routing attributes (and FIFO group) the receiver gives it. TIME
      is a date (2024-05-01, UTC midnight) or a time with its zone (2024-05-01T13:00:00Z,
      2024-05-01T15:00:00+02:00); --until defaults to now. --severity and --type (repeat
      them, or separate with commas) keep only those alerts. --dry-run lists what would
      be sent and sends nothing. --bucket defaults to $ARCHIVE_BUCKET, else local mode's
      archive; --prefix to $ARCHIVE_PREFIX, else alerts/. --endpoint is for S3 and SQS
      (local mode: the SQS endpoint, which serves S3 too), else AWS_ENDPOINT_URL_S3 /
      _SQS / AWS_ENDPOINT_URL.
      Prints a line per object to stderr and a summary; exit 1 if any object could not be
      read, was not an alert or could not be sent (each is named).`;

/**
 * The checked request from the command line; throws (a usage error) naming the option at fault.
 * Everything but the clients and the progress callback of runReplay's options, and the endpoint.
 */
export function replayRequest(values: ReplayArgValues, now: Date = new Date()) {
  if (values.since === undefined) throw new Error('replay needs --since');
  if (values.to === undefined || !URL.canParse(values.to)) throw new Error('replay needs --to and a queue URL');
  const list = (given: readonly string[] | undefined) => given?.flatMap((value) => value.split(',')).map((value) => value.trim());
  const request = {
    since: replayInstant('--since', values.since),
    until: values.until === undefined ? now : replayInstant('--until', values.until),
    to: values.to,
    severity: list(values.severity),
    type: list(values.type),
    dryRun: values['dry-run'] ?? false,
    bucket: values.bucket,
    prefix: values.prefix,
    endpoint: values.endpoint,
  };
  if (!(request.since < request.until)) throw new Error('--since must be before --until');
  replayFilter(request);
  if (request.prefix !== undefined) checkArchivePrefix(request.prefix, '--prefix');
  return request;
}

/** `--since`/`--until`: an AWSDateTime with its zone (`2024-05-01T13:00:00Z`, `…+02:00`), or a date (UTC midnight). */
export function replayInstant(flag: string, value: string): Date {
  const ms = awsDateTimeToEpochMs(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (ms === undefined)
    throw new Error(`${flag} must be a date (2024-05-01) or a time with its zone (2024-05-01T13:00:00Z), got ${JSON.stringify(value)}`);
  return new Date(ms);
}

/** One line per object for the progress output (stderr). */
export function replayProgressLine(event: ReplayProgress): string {
  return `${event.outcome} ${event.key}${event.reason === undefined ? '' : `: ${event.reason}`}`;
}

/** The closing lines (stdout): the counts, then every object that failed. */
export function replaySummaryLines(summary: ReplaySummary, dryRun: boolean): string[] {
  const counts = dryRun
    ? `Dry run: ${summary.matched} alert(s) would be sent; ${summary.skippedByFilter} outside the window or filters.`
    : `Replayed ${summary.sent} of ${summary.matched} alert(s); ${summary.skippedByFilter} outside the window or filters.`;
  if (summary.failed.length === 0) return [counts];
  return [counts, `${summary.failed.length} object(s) failed:`, ...summary.failed.map((failure) => `  ${failure.key} ${failure.reason}`)];
}
