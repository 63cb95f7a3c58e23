/**
 * An example subscriber: an SQS-triggered Lambda that reads alerts from the queue, checks each
 * against the project's schema (so it is typed as PantherAlert), logs one line per alert, and
 * reports the records it could not handle so that only those are retried (partial batch failure).
 * Copy it as the start of your own consumer.
 */
import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { PantherAlert } from './core/generated/panther-alert';
import validatePantherAlert from './core/generated/validate-panther-alert';

/** Your work goes here; throwing marks just this record as failed. */
async function handleAlert(alert: PantherAlert): Promise<void> {
  process.stdout.write(
    `${JSON.stringify({ level: 'INFO', message: 'alert', alertId: alert.alertId, detectionId: alert.id, severity: alert.severity, type: alert.type, title: alert.title })}\n`,
  );
}

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchItemFailure[] = [];
  for (const record of event.Records) {
    try {
      const alert: unknown = JSON.parse(record.body);
      if (!validatePantherAlert(alert)) throw new Error('not a Panther alert');
      await handleAlert(alert);
    } catch (error) {
      process.stdout.write(
        `${JSON.stringify({ level: 'ERROR', message: 'alert failed', messageId: record.messageId, error: (error as Error).message })}\n`,
      );
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
