/**
 * What this package offers other code: the CDK constructs, and for subscribers the alert's JSON
 * Schema, its TypeScript type and a ready validator (the same standalone one the receiver uses).
 */
export { AlertArchive, type AlertArchiveProps, type ArchiveReadOptions } from './alert-archive';
export type { ForwarderArchiveProps } from './archive-props';
export { AlertQueues, type AlertQueuesProps, type AlertRoute, type QueuePair } from './alert-queues';
export type { ForwarderInboxProps, ForwarderWebhookProps } from './door-props';
export { ExampleConsumer, type ExampleConsumerProps } from './example-consumer';
export { ForwarderMonitoring, type ForwarderMonitoringProps } from './forwarder-monitoring';
export { type AlertRouteProps, PantherAlertForwarder, type PantherAlertForwarderProps } from './panther-alert-forwarder';
export { PantherAlertForwarderStack, type PantherAlertForwarderStackProps } from './panther-alert-forwarder-stack';
export { PantherInbox, type PantherInboxProps } from './panther-inbox';
export { WebhookReceiver, type WebhookReceiverProps } from './webhook-receiver';
export type { PantherAlert } from '../functions/core/generated/panther-alert';
export { default as isPantherAlert } from '../functions/core/generated/validate-panther-alert';
export { default as pantherAlertSchema } from '../functions/core/panther-alert.schema.json';
export { isAwsDateTime } from '../functions/core/aws-date-time';
