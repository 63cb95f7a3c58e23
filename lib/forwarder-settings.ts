/**
 * Plain numbers the construct, the receiver and local mode share, kept free of CDK imports so that
 * local mode can build the same queues without loading aws-cdk-lib.
 */
export const FORWARDER_SETTINGS = {
  /** SQS's maximum message size; the receiver refuses bodies beyond it with 413. */
  maxMessageBytes: 1_048_576,
  /** SQS's maximum retention. */
  retentionDays: 14,
  /** Receives before a message moves to the dead-letter queue. */
  maxReceiveCount: 5,
  /** SQS's default. */
  visibilityTimeoutSeconds: 30,
  /** Lambda timeout: well under API Gateway's 29 s; the SDK gives up after about 7 s. */
  receiverTimeoutSeconds: 10,
  /** The API resource Panther posts to. */
  route: '/alerts',
  /** The custom header Panther is told to send the shared secret in. */
  authHeaderName: 'X-Panther-Webhook-Secret',
} as const;
