/**
 * An example subscriber: an SQS-triggered Lambda that reads alerts from the queue, checks each
 * against the project's schema (so it is typed as PantherAlert), logs one line per alert, and
 * reports the records it could not handle so that only those are retried (partial batch failure).
 * On a FIFO queue it stops at the first failure instead (see `handler`). Copy it as the start of
 * your own consumer.
 */
import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { PantherAlert } from './core/generated/panther-alert';
import validatePantherAlert from './core/generated/validate-panther-alert';

/** Your work goes here; throwing marks this record as failed (and, on FIFO, every later one). */
async function handleAlert(alert: PantherAlert): Promise<void> {
  process.stdout.write(
    `${JSON.stringify({ level: 'INFO', message: 'alert', alertId: alert.alertId, detectionId: alert.id, severity: alert.severity, type: alert.type, title: alert.title })}\n`,
  );
}

/** Lambda sets MessageGroupId on every record from a FIFO queue; a hand-built event may have only the ARN. */
function fromFifoQueue(record: SQSRecord): boolean {
  return record.attributes.MessageGroupId !== undefined || record.eventSourceARN.endsWith('.fifo');
}

const failed = (record: SQSRecord): SQSBatchItemFailure => ({ itemIdentifier: record.messageId });

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchItemFailure[] = [];
  for (const [index, record] of event.Records.entries()) {
    try {
      const alert: unknown = JSON.parse(record.body);
      if (!validatePantherAlert(alert)) throw new Error('not a Panther alert');
      await handleAlert(alert);
    } catch (error) {
      process.stdout.write(
        `${JSON.stringify({ level: 'ERROR', message: 'alert failed', messageId: record.messageId, error: (error as Error).message })}\n`,
      );
      // FIFO: a later alert of the same detection must not be handled (and deleted) before this one.
      // Hand back this record and every later one, so SQS redelivers them in order: the semantics
      // of Powertools' SqsFifoPartialProcessor, in a few lines instead of a dependency.
      if (fromFifoQueue(record)) return { batchItemFailures: event.Records.slice(index).map(failed) };
      batchItemFailures.push(failed(record));
    }
  }
  return { batchItemFailures };
}
