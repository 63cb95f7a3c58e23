/**
 * `tail`: follows the alerts the forwarder accepted by watching the archive, never a queue. Receiving
 * from a queue is not looking: each receive counts towards the queue's maxReceiveCount (after 5, SQS
 * moves the alert to the dead-letter queue) and hides the alert from its consumers meanwhile. Listing
 * and reading S3 objects changes nothing, so tail can run for ever next to the real consumers.
 *
 * The archive is partitioned by createdAt (archive-key.ts), so tail lists the previous, current and
 * next hour's partitions every few seconds (the next one for a sender whose clock runs ahead) and
 * prints each key it has not seen before. The keys it remembers are those of the partitions it lists:
 * a partition that falls out of the window is forgotten with its keys. An alert created more than an
 * hour before it arrives (a Panther retry) lands in an older partition and is not shown.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { partitionOf } from '../functions/core/archive-key';
import { inParallel } from './in-parallel';
import { describeError } from '../functions/runtime/errors';
import { type ArchivedRead, HOUR_MS, listPages, readArchived } from './archive-reader';

export interface TailOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly prefix: string;
  /** Where S3 is, for the messages. */
  readonly where: string;
  readonly json: boolean;
  readonly max?: number;
  readonly timeoutSeconds?: number;
  /** On start, also print what was archived this many seconds before (default 60; 0: only what comes next). */
  readonly recentSeconds?: number;
  readonly pollMs?: number;
  readonly now?: () => number;
}

/** Between listings: a new alert shows within about this long. */
const POLL_MS = 2_000;
/** Objects read at once. */
const PARALLEL = 8;

/** The command that takes messages off a queue, named wherever tail cannot help. */
export const TAKE_HINT = 'npx --no panther-forwarder take --queue-url URL (it removes what it prints)';

/** One line per alert, from the receiver's decision on the archived bytes. */
export function alertLine(read: Extract<ArchivedRead, { outcome: 'alert' }>, json: boolean): string {
  const { alert, attributes } = read.decision;
  if (json) return JSON.stringify({ key: read.key, attributes, alert });
  const title = typeof alert.title === 'string' ? alert.title : '-';
  return [
    alert.createdAt,
    attributes.severity,
    attributes.type,
    attributes.detectionId,
    JSON.stringify(title),
    `alertId=${attributes.alertId ?? '-'}`,
  ].join('  ');
}

/** Why there is nothing to follow, as a person reads it; undefined when the error is something else. */
function noArchive(error: unknown, options: TailOptions): string | undefined {
  const name = (error as Error).name;
  const code = (error as NodeJS.ErrnoException).code ?? (error as { cause?: NodeJS.ErrnoException }).cause?.code;
  if (name === 'NoSuchBucket') {
    return `No archive to follow: there is no bucket ${options.bucket} at ${options.where} (the archive is off, or elsewhere: --bucket, --endpoint).`;
  }
  if (code === 'ECONNREFUSED' || name === 'ECONNREFUSED')
    return `Could not reach S3 at ${options.where}. Is the forwarder running (npm start)?`;
  return undefined;
}

export async function tailArchive(options: TailOptions): Promise<number> {
  const { s3, bucket, prefix, json, max, now = Date.now, pollMs = POLL_MS, recentSeconds = 60 } = options;
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, onSignal);
  const timer = options.timeoutSeconds === undefined ? undefined : setTimeout(() => stop.abort(), options.timeoutSeconds * 1000);
  /** Keys seen, by the partition prefix they were listed under. */
  let seen = new Map<string, Set<string>>();
  let printed = 0;
  const done = () => stop.signal.aborted || (max !== undefined && printed >= max);

  /** One round: every partition of the window listed; new keys read and printed (all, on the first round, remembered only). */
  const poll = async (first: boolean) => {
    const hour = Math.floor(now() / HOUR_MS) * HOUR_MS;
    const window = [hour - HOUR_MS, hour, hour + HOUR_MS].map((start) => `${prefix}${partitionOf(start)}`);
    const next = new Map(window.map((partition) => [partition, seen.get(partition) ?? new Set<string>()]));
    seen = next;
    const recentSince = now() - recentSeconds * 1000;
    for (const [partition, keys] of next) {
      for await (const page of listPages(s3, bucket, partition, stop.signal)) {
        const fresh = page.filter((object) => !keys.has(object.key));
        for (const object of fresh) keys.add(object.key);
        // The first round prints only what was archived lately; each round, oldest first (the listing says when).
        const shown = (first ? fresh.filter((object) => object.modifiedMs >= recentSince) : fresh).sort(
          (a, b) => a.modifiedMs - b.modifiedMs,
        );
        const reads = await inParallel(shown, PARALLEL, (object) => readArchived(s3, bucket, object.key, prefix));
        for (const read of reads) {
          if (done()) return;
          if (read.outcome === 'alert') {
            console.log(alertLine(read, json));
            printed += 1;
          } else console.error(`${read.outcome} ${read.key}: ${read.reason}`);
        }
      }
    }
  };

  try {
    try {
      await poll(true);
    } catch (error) {
      // Ctrl-C or --timeout while the first listing hangs: a stop, not a failure.
      if (stop.signal.aborted) return 0;
      const reason = noArchive(error, options);
      if (reason === undefined) throw error;
      console.error(`${reason}\ntail only watches the archive and never takes alerts off a queue. To take them off one: ${TAKE_HINT}.`);
      return 1;
    }
    console.error(
      `Following s3://${bucket}/${prefix} at ${options.where}: alerts created in the last hour, new ones within ${pollMs / 1000} s. ` +
        'It only reads: no queue is touched. Ctrl-C stops.',
    );
    while (!done()) {
      // Rejects when stopped: the loop's test then ends it.
      await sleep(pollMs, undefined, { signal: stop.signal }).catch(() => undefined);
      if (done()) break;
      try {
        await poll(false);
      } catch (error) {
        if (stop.signal.aborted) break;
        // The next round lists again: what this one did not get to is still new then.
        console.error(`Could not list the archive (${describeError(error)}); trying again.`);
      }
    }
  } finally {
    clearTimeout(timer);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.removeListener(signal, onSignal);
  }
  return 0;
}
