/**
 * `stats`: approximate message counts per queue (visible, in flight, delayed), and how many alerts the
 * archive holds for this hour and the last. It only asks: GetQueueAttributes and S3 listings change nothing.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, ListQueuesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { partitionOf } from '../functions/core/archive-key';
import { HOUR_MS, listPages } from './archive-reader';

export interface QueueStats {
  readonly queueUrl: string;
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

/** Local mode's queues: the alert queue, its routes and dead-letter queues, and the inbox. */
export const LOCAL_QUEUE_PREFIXES = ['panther-alerts', 'panther-inbox'] as const;

/** The given queues, or every queue whose name starts with one of `prefixes` (local mode's by default). */
export async function queueStats(
  sqs: SQSClient,
  queueUrls: readonly string[],
  prefixes: readonly string[] = LOCAL_QUEUE_PREFIXES,
): Promise<QueueStats[]> {
  const listed = async (prefix: string) => (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }))).QueueUrls ?? [];
  const urls = queueUrls.length ? queueUrls : (await Promise.all(prefixes.map(listed))).flat();
  return Promise.all(
    [...new Set(urls)].sort().map(async (queueUrl) => {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
        }),
      );
      return {
        queueUrl,
        visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
        delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
      };
    }),
  );
}

export function statsTable(stats: readonly QueueStats[]): string {
  const rows = [
    ['queue', 'visible', 'in flight', 'delayed'],
    ...stats.map((s) => [s.queueUrl.split('/').pop()!, String(s.visible), String(s.inFlight), String(s.delayed)]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

export type ArchiveStats =
  | {
      readonly bucket: string;
      readonly prefix: string;
      /** Objects in the partitions of the current hour and the one before (by createdAt). */
      readonly hours: readonly { readonly partition: string; readonly objects: number }[];
    }
  | { readonly bucket: string; readonly prefix: string; readonly missing: true };

/** Counts the archive's objects of this hour and the last (a listing each, a page at a time). */
export async function archiveStats(s3: S3Client, bucket: string, prefix: string, now = Date.now()): Promise<ArchiveStats> {
  const hour = Math.floor(now / HOUR_MS) * HOUR_MS;
  const hours: { partition: string; objects: number }[] = [];
  try {
    for (const start of [hour - HOUR_MS, hour]) {
      const partition = partitionOf(start);
      let objects = 0;
      for await (const page of listPages(s3, bucket, `${prefix}${partition}`)) objects += page.length;
      hours.push({ partition, objects });
    }
  } catch (error) {
    if ((error as Error).name === 'NoSuchBucket') return { bucket, prefix, missing: true };
    throw error;
  }
  return { bucket, prefix, hours };
}

export function archiveStatsLine(stats: ArchiveStats): string {
  const where = `s3://${stats.bucket}/${stats.prefix}`;
  if ('missing' in stats) return `archive ${where}: no such bucket (the archive is off)`;
  const [previous, current] = stats.hours;
  return `archive ${where}: ${current!.objects} object(s) under ${current!.partition} (this hour), ${previous!.objects} under ${previous!.partition}`;
}
