/** How the CLI reaches a queue: local mode's SQS, or AWS (or whatever the standard variables say). */
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION, LOCAL_SETTINGS as SETTINGS, localSqsClient } from '../functions/runtime/local-aws';

/** Local mode's SQS (and S3) endpoint: 127.0.0.1 on SQS_PORT (default 4566). */
export function localModeEndpoint(): string {
  return `http://127.0.0.1:${process.env.SQS_PORT || 4566}`;
}

/** Local mode's SQS: the given endpoint, else localModeEndpoint(). */
export function localModeClient(endpoint?: string): SQSClient {
  return localSqsClient(endpoint ?? localModeEndpoint());
}

/** Local mode's queue URLs name `sqs.<region>.localhost:<port>`, which does not resolve: use 127.0.0.1. */
function localEndpoint(queueUrl: string): string | undefined {
  const url = new URL(queueUrl);
  return url.hostname === 'localhost' || url.hostname.endsWith('.localhost') ? `http://127.0.0.1:${url.port}` : undefined;
}

/**
 * A client for this queue: the given endpoint, else a local queue URL's port, else the SDK's own
 * resolution (AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL, the region). Local endpoints get local
 * credentials unless real ones are configured.
 */
export function sqsClientFor(queueUrl: string, endpoint?: string): SQSClient {
  const target = endpoint ?? localEndpoint(queueUrl);
  const local = target !== undefined && !process.env.AWS_ACCESS_KEY_ID && !process.env.AWS_PROFILE;
  return new SQSClient({
    ...(target === undefined ? {} : { endpoint: target, useQueueUrlAsEndpoint: false }),
    ...(local ? { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS } : {}),
  });
}

/**
 * Local mode's alert queue, or a route's queue: `panther-alerts[-<route>]`, standard or (FIFO=true)
 * with `.fifo`. Fails naming what it looked for, so a mistyped route says so.
 */
export async function localQueueUrl(sqs: SQSClient, route?: string): Promise<string> {
  const name = route === undefined ? SETTINGS.localQueueName : `${SETTINGS.localQueueName}-${route}`;
  for (const queueName of [name, `${name}.fifo`]) {
    try {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
      if (QueueUrl) return QueueUrl;
    } catch (error) {
      if ((error as Error).name !== 'QueueDoesNotExist' && (error as Error).name !== 'AWS.SimpleQueueService.NonExistentQueue') throw error;
    }
  }
  throw new Error(
    `no queue ${name} or ${name}.fifo on local mode's SQS${route === undefined ? '' : ` (is the route ${route} in LOCAL_ROUTES?)`}`,
  );
}
