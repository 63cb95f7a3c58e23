/**
 * Lambda handler on the archive queue: wiring only. The configuration is read and checked once, at
 * cold start; the logic lives in runtime/create-archive-processor.ts and core/archive-*.ts.
 */
import { readArchiveConfig } from './core/archive-config';
import { archiveProcessorDependencies, createArchiveProcessor } from './runtime/create-archive-processor';

const config = readArchiveConfig(process.env);

export const handler = createArchiveProcessor(config, archiveProcessorDependencies(config));
