/**
 * `npm start`: the product on a laptop. An embedded SQS server with the stack's queues, and the same
 * Lambda handler behind a local HTTP server, both on 127.0.0.1 only.
 *
 *   PORT      webhook port (default 3000; 0 picks a free one)
 *   SQS_PORT  embedded SQS port (default 4566; 0 picks a free one)
 *   QUEUE_URL use this existing queue instead of the embedded server (with QUARANTINE_QUEUE_URL, or
 *             INVALID_PAYLOADS=reject); the standard AWS variables (AWS_REGION,
 *             AWS_ENDPOINT_URL_SQS, credentials…) then say how to reach it
 *   SECRET_ID use this existing Secrets Manager secret instead of a generated one
 *   FIFO=true FIFO queues, deduplicated by the body's SHA-256 (embedded SQS only)
 *   LOCAL_ROUTES  fan-out routes for the embedded SQS, as JSON: [{"name":"paging","severities":["HIGH","CRITICAL"]}]
 *   AUTH_HEADER_NAME, INVALID_PAYLOADS, REQUEST_LOG  as for the Lambda (REQUEST_LOG defaults to off:
 *             this server prints its own line per request)
 *   --handler PATH  serve another build of the handler, e.g. the bundle `cdk synth` produced
 *   --bus     both doors also put every alert on a recording EventBridge stand-in (local/embedded-bus.ts)
 *             on BUS_PORT (default 4568; 0 picks a free one): `npx --no panther-forwarder bus-events` shows them
 *
 * With the embedded SQS it also runs the second door: an inbox queue, as Panther's Amazon SQS
 * destination sends to, drained by the inbox processor (the same handler module as the Lambda's)
 * through an in-process stand-in for Lambda's SQS event source; and the archive: a bucket on the
 * embedded S3 that both doors write every accepted alert to (fauxqs serves S3 on the SQS port; in
 * memory, gone when it stops).
 *
 * Prints, once ready, lines scripts can read: `Webhook URL: …`, `Queue URL: …`, `SQS endpoint: …`,
 * `Quarantine queue URL: …`, `Inbox queue URL: …`, `Archive: s3://…`, `S3 endpoint: …` (the last
 * three with the embedded SQS only) and `Header: <Name>: <value>`.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { ENV } from '../functions/core/environment';
import { readArchiveSettings, readReceiverConfig } from '../functions/core/receiver-config';
import { parseRouteFilters, parseRoutes } from '../functions/core/routes';
import type { SqsBatchHandler } from '../functions/runtime/create-inbox-processor';
import { LOCAL_CREDENTIALS, LOCAL_REGION, LOCAL_SETTINGS as SETTINGS, localS3Client, localSqsClient } from '../functions/runtime/local-aws';
import { receiverDependencies } from '../functions/runtime/receiver-dependencies';
import { createForwarderQueues, createInboxQueue, untilStopSignal, type EmbeddedSqs } from './embedded-sqs';
import { startEmbeddedBus, type EmbeddedBus } from './embedded-bus';
import { startEmbeddedSecrets, type EmbeddedSecrets } from './embedded-secrets';
import { type BatchResult, type SqsTrigger, startSqsEventSource } from './sqs-event-source';
import { startEmbeddedSqsThread } from './sqs-thread';
import { createWebhookServer, logLine, refuseStrangers, type ProxyHandler } from './webhook-server';

const HOST = '127.0.0.1';
/** The CLI as this clone runs it: at once, from source (`npx` would first rebuild the project into its cache). */
const CLI = 'node cli/panther-forwarder.cjs';
/** The processors' timeout: a sixth of their queues' visibility timeout, AWS's rule for an SQS-triggered function. */
const PROCESSOR_TIMEOUT_MS = (SETTINGS.visibilityTimeoutSeconds * 1000) / 6;

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`${name} must be a port number (0-65535), got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Points the handler at the embedded server through the same variables it honours in AWS. */
async function useEmbeddedSqs(): Promise<EmbeddedSqs> {
  const sqs = await startEmbeddedSqsThread(port('SQS_PORT', 4566), HOST);
  // Checked by the same validator the construct and the receiver use.
  const routes = parseRouteFilters(process.env.LOCAL_ROUTES, 'LOCAL_ROUTES');
  const queues = await createForwarderQueues(localSqsClient(sqs.endpoint), {
    fifo: process.env.FIFO === 'true',
    routes: routes.map((route) => route.name),
  });
  Object.assign(process.env, {
    [ENV.queueUrl]: queues.queueUrl,
    [ENV.quarantineQueueUrl]: queues.quarantineQueueUrl,
    [ENV.routes]: JSON.stringify(routes.map((route) => ({ ...route, queueUrl: queues.routeQueueUrls[route.name] }))),
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  });
  return sqs;
}

/**
 * The inbox on the embedded SQS and the processor that drains it: the handler module, loaded now
 * that the environment names the queues (as at a cold start).
 */
async function inboxTrigger(sqs: SQSClient): Promise<SqsTrigger> {
  const { queueUrl } = await createInboxQueue(sqs);
  const { handler } = (await import('../functions/inbox-processor')) as { handler: SqsBatchHandler };
  return { queueUrl, handler, timeoutMs: PROCESSOR_TIMEOUT_MS, functionName: 'panther-inbox-processor' };
}

/**
 * The archive on the embedded S3: its bucket, named to both doors (ARCHIVE_BUCKET, and the S3 endpoint)
 * before they load, which then write every accepted alert to it themselves, as in AWS.
 */
async function useEmbeddedArchive(endpoint: string): Promise<{ bucket: string; prefix: string }> {
  const bucket = SETTINGS.localArchiveBucket;
  await localS3Client(endpoint).send(new CreateBucketCommand({ Bucket: bucket }));
  process.env[ENV.archiveBucket] ??= bucket;
  process.env.AWS_ENDPOINT_URL_S3 ??= endpoint;
  return readArchiveSettings(process.env)!;
}

/** Event bus: the recording stand-in, named to both doors (EVENT_BUS_NAME and its endpoint) before they load. */
async function useEmbeddedBus(): Promise<EmbeddedBus> {
  const bus = await startEmbeddedBus(port('BUS_PORT', 4568), HOST);
  process.env[ENV.eventBusName] ??= 'panther-alerts';
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = bus.endpoint;
  return bus;
}

/** One line per record an SQS-triggered function handled or left on its queue for a retry. */
function printBatch({ queueUrl, messageIds, failed, durationMs, error }: BatchResult): void {
  const queue = queueUrl.slice(queueUrl.lastIndexOf('/') + 1);
  for (const id of messageIds) {
    const outcome = failed.includes(id) ? `failed, SQS retries it${error === undefined ? '' : ` (${error})`}` : 'handled';
    console.log(`${new Date().toISOString()} SQS ${queue} ${id} ${outcome} ${durationMs}ms`);
  }
}

/** A fresh secret for this run, served to the handler by an embedded Secrets Manager. */
async function useGeneratedSecret(): Promise<{ secrets: EmbeddedSecrets; value: string }> {
  const value = randomBytes(24).toString('base64url');
  const secretId = 'panther-alert-forwarder/local-webhook-secret';
  const secrets = await startEmbeddedSecrets({ [secretId]: JSON.stringify({ current: value }) });
  Object.assign(process.env, { [ENV.secretId]: secretId, AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint });
  return { secrets, value };
}

async function main(): Promise<void> {
  // Listen before announcing anything: a stop signal that arrives while starting, or right after
  // the ready lines, must stop the servers, not kill the process around them.
  const stopSignal = untilStopSignal();
  const { values } = parseArgs({ options: { handler: { type: 'string' }, bus: { type: 'boolean' } } });
  const webhookPort = port('PORT', 3000);
  // The Lambda runs Node.js 24; the SDK's notice about older Node.js concerns only this laptop.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  const embedded = process.env[ENV.queueUrl] ? undefined : await useEmbeddedSqs();
  const generated = process.env[ENV.secretId] ? undefined : await useGeneratedSecret();
  process.env[ENV.authHeaderName] ??= SETTINGS.authHeaderName;
  process.env[ENV.requestLog] ??= 'off';
  const sqsEndpoint =
    process.env.AWS_ENDPOINT_URL_SQS ?? process.env.AWS_ENDPOINT_URL ?? `https://sqs.${process.env.AWS_REGION}.amazonaws.com`;

  // The archive first: both doors read ARCHIVE_BUCKET when they load. Then the inbox processor, on
  // the in-process event source (with the embedded SQS only).
  const sqsClient = embedded && localSqsClient(embedded.endpoint);
  const archive = embedded && (await useEmbeddedArchive(embedded.endpoint));
  const bus = values.bus ? await useEmbeddedBus() : undefined;
  const inbox = sqsClient && (await inboxTrigger(sqsClient));
  const eventSource = sqsClient && inbox ? await startSqsEventSource(sqsClient, [inbox], { onBatch: printBatch }) : undefined;

  // Imported only now: the handler reads its configuration at load, as it does at a cold start.
  const handlerModule = values.handler ? resolve(values.handler) : '../functions/receiver';
  const { handler } = (await import(handlerModule)) as { handler: ProxyHandler };

  // The handler's header and secret, read as the handler reads them, to refuse a stranger's large
  // body before it is read (only the secret source of these dependencies is used).
  const config = readReceiverConfig(process.env);
  const server = createWebhookServer({
    handler,
    refuseStranger: refuseStrangers(config.authHeaderName, receiverDependencies(config).secrets),
    onRequest: (entry) => console.log(logLine(entry)),
  });
  await new Promise<void>((done) => server.listen(webhookPort, HOST, done));
  const { port: boundPort } = server.address() as AddressInfo;

  const header = `${process.env[ENV.authHeaderName]}: ${generated?.value ?? '<the value in your secret>'}`;
  console.log(`Webhook URL: http://${HOST}:${boundPort}${SETTINGS.route}`);
  console.log(`Queue URL: ${process.env[ENV.queueUrl]}`);
  if (process.env[ENV.quarantineQueueUrl]) console.log(`Quarantine queue URL: ${process.env[ENV.quarantineQueueUrl]}`);
  const routes = parseRoutes(process.env[ENV.routes]);
  for (const route of routes) {
    console.log(`Route ${route.name} queue URL: ${route.queueUrl}`);
  }
  if (inbox) console.log(`Inbox queue URL: ${inbox.queueUrl}`);
  if (archive) console.log(`Archive: s3://${archive.bucket}/${archive.prefix}`);
  console.log(`SQS endpoint: ${sqsEndpoint}`);
  if (archive) console.log(`S3 endpoint: ${process.env.AWS_ENDPOINT_URL_S3}`);
  if (bus) console.log(`Bus events: ${bus.eventsUrl}`);
  console.log(`Header: ${header}`);
  console.log(`Ready. In another terminal: ${CLI} send-test-alert --header '${header}'`);
  if (inbox) console.log(`  (or as Panther's SQS destination: ${CLI} send-test-alert --queue-url ${inbox.queueUrl})`);
  // tail follows the archive, which only the embedded SQS has; without one, take is what shows alerts (by removing them).
  console.log(
    archive
      ? `then: ${CLI} tail      (Ctrl-C stops)`
      : `then: ${CLI} take --queue-url ${process.env[ENV.queueUrl]}      (removes what it prints; Ctrl-C stops)`,
  );
  if (embedded) for (const route of routes) console.log(`  or: ${CLI} take --route ${route.name}      (removes what it prints)`);
  if (bus) console.log(`  and: ${CLI} bus-events --url ${bus.eventsUrl}`);

  await stopSignal;
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  // Before the SQS server: a batch in hand is finished and its deletes reach the queue.
  await eventSource?.stop();
  await embedded?.stop();
  await generated?.secrets.stop();
  await bus?.stop();
  // The SDK keeps idle sockets to SQS open; nothing is left to do, so do not wait for them.
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
