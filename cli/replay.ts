/**
 * `replay`: sends the archived alerts created in a time window (optionally of some severities or
 * types) to a queue again, at least once, each as the receiver would have sent it: the stored bytes
 * go through the receiver's own decision (`decidePayload`), which gives the body, the routing
 * attributes and the FIFO group. Only genuine objects are sent (archive-reader.ts): one that is not
 * is refused and named, and so is one that cannot be read or is not an alert; the run then fails.
 *
 * Memory stays bounded whatever the window holds: the archive is listed by partition (archive-key.ts),
 * in time order, a listing page at a time, and each alert is sent as soon as it is read, with a bounded
 * number of reads and sends in flight. Into a FIFO queue each detection's alerts go in createdAt order:
 * an hour's alerts are read once to learn their createdAt (kept in a compact index, not their bodies),
 * then read again in that order and sent, one detection's one after another.
 */
import { randomUUID } from 'node:crypto';
import type { ParseArgsConfig } from 'node:util';
import type { S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { archivePartitionPrefixes, checkArchivePrefix, DEFAULT_ARCHIVE_PREFIX } from '../functions/core/archive-key';
import { awsDateTimeToEpochMs } from '../functions/core/aws-date-time';
import { inParallel } from './in-parallel';
import { replayDeduplicationId } from './redrive-dedup';
import { ALERT_TYPE, matchingRoutes, SEVERITIES } from '../functions/core/routes';
import type { Decision } from '../functions/core/webhook-core';
import { createS3Client } from '../functions/runtime/archive-store';
import { describeError } from '../functions/runtime/errors';
import { localS3Client } from '../functions/runtime/local-aws';
import { fifoParameters, toMessageAttributes } from '../functions/runtime/queue-sender';
import { type ArchivedRead, HOUR_MS, listPages, parseArchiveKey, readArchived } from './archive-reader';
import { groupedRunner, HourIndex } from './ordered-sends';

export interface ReplayOptions {
  /** The window on createdAt: from `since` (included) to `until` (excluded). */
  readonly since: Date;
  readonly until: Date;
  /** The queue URL to send to. */
  readonly to: string;
  /** Only these severities / types (each: all when absent). */
  readonly severity?: readonly string[];
  readonly type?: readonly string[];
  /** Read, verify and filter, send nothing. */
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
  readonly outcome: 'sent' | 'would-send' | 'skipped' | 'refused' | 'failed';
  /** Why it was refused or failed. */
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
  /** Not what the archive wrote there (key, name, bytes or metadata disagree): never sent. The run failed if any. */
  readonly refused: readonly ReplayFailure[];
  /** Could not be read, were not alerts, or could not be sent: the run failed if any. */
  readonly failed: readonly ReplayFailure[];
}

/** Objects read, and messages sent, at once. */
const PARALLEL = 16;

type Enqueue = Extract<Decision, { action: 'enqueue' }>;
type Chosen = { readonly key: string; readonly decision: Enqueue; readonly timeMs: number };

/** The bucket and prefix to read: the options, else the archive's own variables. */
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
  // Only a real send needs the order: a dry run reports each object as it reads it.
  const ordered = to.endsWith('.fifo') && !dryRun;
  const runId = randomUUID();
  let matched = 0;
  let sent = 0;
  let skippedByFilter = 0;
  const refused: ReplayFailure[] = [];
  const failed: ReplayFailure[] = [];
  const fail = (failure: ReplayFailure) => {
    failed.push(failure);
    progress({ ...failure, outcome: 'failed' });
  };
  /** True for a genuine alert; anything else is reported, as refused or failed. */
  const genuineAlert = (read: ArchivedRead): read is Extract<ArchivedRead, { outcome: 'alert' }> => {
    if (read.outcome === 'alert') return true;
    const failure = { key: read.key, reason: read.reason };
    if (read.outcome === 'failed') fail(failure);
    else {
      refused.push(failure);
      progress({ ...failure, outcome: 'refused' });
    }
    return false;
  };
  const read = async (key: string) => readArchived(s3, bucket, key, prefix);

  /** A genuine alert in the window and the filters, or undefined (reported). */
  const choose = (object: ArchivedRead): Chosen | undefined => {
    if (!genuineAlert(object)) return undefined;
    // An alert placed by arrival is known to its hour only: the window takes it if it meets that hour.
    const [from, until] = object.arrivalHour ? [object.timeMs, object.timeMs + HOUR_MS] : [object.timeMs, object.timeMs + 1];
    if (until <= sinceMs || from >= untilMs || matchingRoutes([filter], object.decision.attributes).length === 0) {
      skippedByFilter += 1;
      progress({ key: object.key, outcome: 'skipped' });
      return undefined;
    }
    matched += 1;
    return { key: object.key, decision: object.decision, timeMs: object.timeMs };
  };

  /** Into FIFO, a detection whose alert could not be sent gets no later alert this run: its order is kept. */
  const stalledGroups = new Set<string>();
  const send = async ({ key, decision }: Chosen): Promise<void> => {
    if (dryRun) return progress({ key, outcome: 'would-send' });
    if (ordered && stalledGroups.has(decision.messageGroupId)) {
      return fail({ key, reason: 'not sent: an earlier alert of its detection could not be (FIFO order kept)' });
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
    } catch (error) {
      fail({ key, reason: `could not be sent (${describeError(error)})` });
      if (ordered) stalledGroups.add(decision.messageGroupId);
    }
  };
  // Unordered, every send is its own group: only the bound on sends in flight applies.
  const sender = groupedRunner(PARALLEL);

  /** Unordered: each key of a page read, judged and sent as it comes. */
  const sendPage = (keys: readonly string[]) =>
    inParallel(keys, PARALLEL, async (key) => {
      const chosen = choose(await read(key));
      if (chosen !== undefined) await sender.submit(key, () => send(chosen));
    });

  /** Ordered: the hour's chosen alerts, read again in createdAt order (a few ahead), each sent after its detection's previous one. */
  const sendHourInOrder = async (partitionPrefix: string, index: HourIndex) => {
    const entries = index.sorted()[Symbol.iterator]();
    const pending: { group: string; read: Promise<ArchivedRead> }[] = [];
    const readNext = () => {
      const next = entries.next();
      if (!next.done) pending.push({ group: next.value.group, read: read(`${partitionPrefix}${next.value.name}.json`) });
      return !next.done;
    };
    while (pending.length < PARALLEL && readNext());
    for (let entry = pending.shift(); entry !== undefined; entry = pending.shift()) {
      const object = await entry.read;
      readNext();
      // Read again to send what is there now: the first read only gave its place in the order.
      await sender.submit(entry.group, async () => {
        if (genuineAlert(object)) return send({ key: object.key, decision: object.decision, timeMs: object.timeMs });
        // Its detection's later alerts must not overtake it.
        stalledGroups.add(entry.group);
      });
    }
  };

  for (const partition of archivePartitionPrefixes(sinceMs, untilMs, prefix)) {
    // Ordered: the hour being indexed (a day's listing gives its hours one after another).
    let hour: { prefix: string; index: HourIndex } | undefined;
    const finishHour = async () => {
      if (hour !== undefined) await sendHourInOrder(hour.prefix, hour.index);
      hour = undefined;
    };
    for await (const page of listPages(s3, bucket, partition)) {
      const keys = page.map((object) => object.key);
      if (!ordered) {
        await sendPage(keys);
        continue;
      }
      // Runs of keys of one hour, each indexed after the previous hour is sent.
      for (let start = 0; start < keys.length; ) {
        const parsed = parseArchiveKey(keys[start]!, prefix);
        const hourPrefix = 'reason' in parsed ? undefined : `${prefix}${parsed.partition}`;
        let end = start + 1;
        while (end < keys.length && hourPrefix !== undefined && keys[end]!.startsWith(hourPrefix)) end += 1;
        if (hourPrefix !== undefined && hour?.prefix !== hourPrefix) {
          await finishHour();
          hour = { prefix: hourPrefix, index: new HourIndex() };
        }
        const index = hour?.index;
        await inParallel(keys.slice(start, end), PARALLEL, async (key) => {
          const chosen = choose(await read(key));
          // Chosen, its key is in the layout: this hour's prefix, its name, `.json`.
          if (chosen !== undefined)
            index!.add(chosen.timeMs, key.slice(hourPrefix!.length, -'.json'.length), chosen.decision.messageGroupId);
        });
        start = end;
      }
    }
    await finishHour();
  }
  await sender.drain();
  return { matched, sent, skippedByFilter, refused, failed };
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
      Only genuine archive objects are sent: a key in the layout (<prefix>dt=YYYY-MM-DD/
      hour=HH/<sha256>.json, a real date and hour, the partition of its createdAt), a name
      that is the SHA-256 of its bytes, and dedupkey metadata equal to that name. Any other
      object is refused and named, as is one that cannot be read, is not an alert or could
      not be sent; --dry-run gives the same verdicts. Reads and sends a page at a time (a
      day of a million alerts in well under 256 MB). Prints a line per object to stderr
      and a summary; exit 1 if any object was refused or failed.`;

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

/** The closing lines (stdout): the counts, then every object refused, then every one that failed. */
export function replaySummaryLines(summary: ReplaySummary, dryRun: boolean): string[] {
  const counts = dryRun
    ? `Dry run: ${summary.matched} alert(s) would be sent; ${summary.skippedByFilter} outside the window or filters.`
    : `Replayed ${summary.sent} of ${summary.matched} alert(s); ${summary.skippedByFilter} outside the window or filters.`;
  const listed = (failures: readonly ReplayFailure[], what: string) =>
    failures.length === 0
      ? []
      : [`${failures.length} object(s) ${what}:`, ...failures.map((failure) => `  ${failure.key} ${failure.reason}`)];
  return [counts, ...listed(summary.refused, 'refused, not sent (not what the archive wrote there)'), ...listed(summary.failed, 'failed')];
}

/** 0 when every object in the window was genuine and handled; 1 when any was refused or failed. */
export function replayExitCode(summary: ReplaySummary): number {
  return summary.refused.length === 0 && summary.failed.length === 0 ? 0 : 1;
}
