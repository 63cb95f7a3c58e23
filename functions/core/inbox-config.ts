/**
 * The inbox processor's configuration, read once at module load and checked there, as the
 * receiver's is: a bad setting fails the cold start (SQS keeps the messages and retries them)
 * instead of every record. Pure: it reads the environment object it is given, nothing else.
 */
import { type ForwardingSettings, readForwardingSettings } from './receiver-config';

/**
 * QUEUE_URL, QUARANTINE_QUEUE_URL, ROUTES, METRICS_SCOPE, REQUEST_LOG and ARCHIVE_QUEUE_URL (optional),
 * checked exactly as the receiver checks them. The quarantine queue is required: the inbox has no
 * one to answer a 400 to.
 */
export interface InboxConfig extends ForwardingSettings {
  readonly quarantineQueueUrl: string;
}

export function readInboxConfig(env: NodeJS.ProcessEnv): InboxConfig {
  const settings = readForwardingSettings(env, true);
  return { ...settings, quarantineQueueUrl: settings.quarantineQueueUrl! };
}
