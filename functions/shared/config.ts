/**
 * The receiver's configuration, read once at module load and checked there: a missing or malformed
 * setting fails the cold start (API Gateway answers 5xx, so Panther retries) instead of every request.
 */
export interface ReceiverConfig {
  /** The alert queue's URL (`QUEUE_URL`). */
  readonly queueUrl: string;
}

export function readReceiverConfig(env: NodeJS.ProcessEnv): ReceiverConfig {
  const queueUrl = env.QUEUE_URL;
  if (!queueUrl || !URL.canParse(queueUrl)) {
    throw new Error(`QUEUE_URL must be the alert queue's URL, got ${JSON.stringify(queueUrl ?? null)}`);
  }
  return { queueUrl };
}
