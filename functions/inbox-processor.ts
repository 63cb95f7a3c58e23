/**
 * Lambda handler behind the inbox queue's event source (with ReportBatchItemFailures): wiring only.
 * Panther's Amazon SQS destination writes alerts there; the configuration is read and checked once,
 * at cold start, and the logic lives in runtime/create-inbox-processor.ts and core/webhook-core.ts.
 */
import { readInboxConfig } from './core/receiver-config';
import { createInboxProcessor, inboxDependencies } from './runtime/create-inbox-processor';

const config = readInboxConfig(process.env);

export const handler = createInboxProcessor(config, inboxDependencies(config));
