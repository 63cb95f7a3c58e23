/**
 * An SQS-compatible server (fauxqs) on 127.0.0.1, with the same queues as the stack (alert queue,
 * route queues, their dead-letter queues with the same redrive policy, the quarantine queue) and the
 * same limits. Used by `npm start` and the tests.
 * Run on its own (`node --import tsx local/embedded-sqs.ts`), it prints `SQS endpoint: …` and stops on SIGTERM/SIGINT.
 */
import { existsSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { SQS_REFUSES } from '../functions/core/sqs-text';
import { LOCAL_REGION, LOCAL_SETTINGS as SETTINGS, localSqsClient } from '../functions/runtime/local-aws';
import { foreignRequest } from './local-only';

export interface EmbeddedSqs {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startEmbeddedSqs(port: number, host = '127.0.0.1'): Promise<EmbeddedSqs> {
  // fauxqs is ESM-only; a dynamic import keeps this module loadable from CommonJS.
  const { buildApp } = await import('fauxqs');
  await acceptCharactersRealSqsAccepts();
  const app = buildApp({ logger: false, defaultRegion: LOCAL_REGION });
  let endpointHost = ''; // known once listening (port 0 picks one); nothing is served before
  // A hook in fauxqs's own server (in its thread), run before any body is read: no second hop.
  // fauxqs's types do not resolve through this dynamic import (app is `any`): the parts used, typed here.
  app.addHook('onRequest', (request: { headers: IncomingHttpHeaders }, reply: HookReply, done: () => void) => {
    const refusal = foreignRequest(request.headers, endpointHost) ?? unusedApi(request.headers['content-type']);
    if (refusal === undefined) return done();
    reply
      .code(403)
      .header('connection', 'close')
      .send({ message: `Forbidden: ${refusal}` });
  });
  await app.listen({ port, host });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('fauxqs did not bind a TCP port');
  endpointHost = `${host}:${address.port}`;
  return { endpoint: `http://${endpointHost}`, stop: () => app.close() };
}

/** What the hook uses of fastify's reply. */
interface HookReply {
  code(status: number): HookReply;
  header(name: string, value: string): HookReply;
  send(body: object): HookReply;
}

/**
 * fauxqs also serves SNS (and STS's GetCallerIdentity) as form-encoded POSTs, a body a page can send
 * cross-site without a preflight; an SNS subscription would deliver into our queues. Local mode uses
 * SQS (AWS JSON) and S3 only, and neither sends a form: refuse every form body.
 */
function unusedApi(contentType: string | undefined): string | undefined {
  const type = (contentType ?? '').toLowerCase();
  const isForm = type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data');
  return isForm ? 'a form body (SNS and other form-encoded APIs are not served in local mode)' : undefined;
}

/**
 * fauxqs 1.9.2 refuses characters from U+10000 to U+10FFFF (emoji, say), which real SQS accepts, so
 * an alert with an emoji in its title would fail locally only. Its check is one exported RegExp;
 * giving that object the real rule keeps local mode faithful to AWS. Checked by the end-to-end tests.
 */
async function acceptCharactersRealSqsAccepts(): Promise<void> {
  // fauxqs exports only an ESM entry point, which require.resolve cannot see: look for its folder.
  const root = module.paths.map((dir) => join(dir, 'fauxqs')).find((dir) => existsSync(join(dir, 'package.json')));
  if (root === undefined) throw new Error('fauxqs is not installed: run npm ci');
  const typesFile = join(root, 'dist', 'sqs', 'sqsTypes.js');
  const { INVALID_MESSAGE_BODY_CHAR: check } = (await import(pathToFileURL(typesFile).href)) as {
    INVALID_MESSAGE_BODY_CHAR: RegExp;
  };
  check.test = (text: string) => SQS_REFUSES.test(text);
}

export interface LocalQueues {
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly quarantineQueueUrl: string;
  /** Each route's queue, by route name. */
  readonly routeQueueUrls: Readonly<Record<string, string>>;
}

export interface LocalQueueOptions {
  readonly name?: string;
  /** FIFO alert and route queues (and DLQs), deduplicated by the receiver's dedupKey. */
  readonly fifo?: boolean;
  /** Route names: each gets its own queue and dead-letter queue. */
  readonly routes?: readonly string[];
}

/** What every local queue shares with the stack's: SQS's largest message, its longest retention. */
const COMMON_ATTRIBUTES = {
  MaximumMessageSize: String(SETTINGS.maxMessageBytes),
  MessageRetentionPeriod: String(SETTINGS.retentionDays * 24 * 3600),
};

async function createQueue(sqs: SQSClient, queueName: string, attributes: Record<string, string>): Promise<string> {
  return (await sqs.send(new CreateQueueCommand({ QueueName: queueName, Attributes: { ...COMMON_ATTRIBUTES, ...attributes } }))).QueueUrl!;
}

/** A queue with its own dead-letter queue and the stack's redrive policy (FIFO both, or neither). */
async function createWithDeadLetters(
  sqs: SQSClient,
  queueName: string,
  {
    fifo = false,
    visibilityTimeoutSeconds = SETTINGS.visibilityTimeoutSeconds,
  }: { fifo?: boolean; visibilityTimeoutSeconds?: number } = {},
): Promise<{ url: string; dlqUrl: string }> {
  const fifoAttributes: Record<string, string> = fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'false' } : {};
  const suffix = fifo ? '.fifo' : '';
  const dlqUrl = await createQueue(sqs, `${queueName}-dlq${suffix}`, fifoAttributes);
  const dlqArn = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }));
  const url = await createQueue(sqs, `${queueName}${suffix}`, {
    ...fifoAttributes,
    VisibilityTimeout: String(visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn.Attributes?.QueueArn, maxReceiveCount: SETTINGS.maxReceiveCount }),
  });
  return { url, dlqUrl };
}

/**
 * Creates (idempotently) the queues the stack has, with its settings: the alert queue and its
 * dead-letter queue, one queue and dead-letter queue per route, and the quarantine queue.
 */
export async function createForwarderQueues(sqs: SQSClient, options: LocalQueueOptions = {}): Promise<LocalQueues> {
  const { name = SETTINGS.localQueueName, fifo = false, routes = [] } = options;
  const main = await createWithDeadLetters(sqs, name, { fifo });
  const routeQueueUrls: Record<string, string> = {};
  for (const route of routes) routeQueueUrls[route] = (await createWithDeadLetters(sqs, `${name}-${route}`, { fifo })).url;
  const quarantineQueueUrl = await createQueue(sqs, `${name}-quarantine`, {});
  return { queueUrl: main.url, deadLetterQueueUrl: main.dlqUrl, quarantineQueueUrl, routeQueueUrls };
}

/**
 * Local mode's inbox: the queue Panther's Amazon SQS destination sends to. Not `panther-alerts-…`,
 * which a route of that name would share. Standard (Panther sends no group id), with its own
 * dead-letter queue after the stack's maxReceiveCount.
 */
export const LOCAL_INBOX_NAME = 'panther-inbox';

export async function createInboxQueue(
  sqs: SQSClient,
  {
    name = LOCAL_INBOX_NAME,
    visibilityTimeoutSeconds = SETTINGS.visibilityTimeoutSeconds,
  }: { name?: string; visibilityTimeoutSeconds?: number } = {},
): Promise<{ readonly queueUrl: string; readonly deadLetterQueueUrl: string }> {
  const { url, dlqUrl } = await createWithDeadLetters(sqs, name, { visibilityTimeoutSeconds });
  return { queueUrl: url, deadLetterQueueUrl: dlqUrl };
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

if (require.main === module) {
  void (async () => {
    const stopSignal = untilStopSignal(); // before the ready lines, so no signal is missed
    const sqs = await startEmbeddedSqs(Number(process.env.SQS_PORT ?? 4566));
    const queues = await createForwarderQueues(localSqsClient(sqs.endpoint));
    console.log(`SQS endpoint: ${sqs.endpoint}`);
    console.log(`Queue URL: ${queues.queueUrl}`);
    console.log(`Dead-letter queue URL: ${queues.deadLetterQueueUrl}`);
    console.log(`Quarantine queue URL: ${queues.quarantineQueueUrl}`);
    await stopSignal;
    await sqs.stop();
  })();
}
