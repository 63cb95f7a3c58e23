/** `stats`: approximate message counts per queue (visible, in flight, delayed). */
import { GetQueueAttributesCommand, ListQueuesCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface QueueStats {
  readonly queueUrl: string;
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

/** The given queues, or every queue whose name starts with `prefix` (local mode: panther-alerts). */
export async function queueStats(sqs: SQSClient, queueUrls: readonly string[], prefix = 'panther-alerts'): Promise<QueueStats[]> {
  const urls = queueUrls.length ? queueUrls : ((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }))).QueueUrls ?? []);
  return Promise.all(
    [...urls].sort().map(async (queueUrl) => {
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
