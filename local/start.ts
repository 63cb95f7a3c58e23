/**
 * `npm start`: the product on a laptop. An embedded SQS server with the stack's queues, and the same
 * Lambda handler behind a local HTTP server, both on 127.0.0.1 only.
 *
 *   PORT      webhook port (default 3000; 0 picks a free one)
 *   SQS_PORT  embedded SQS port (default 4566; 0 picks a free one)
 *   QUEUE_URL use this existing queue instead of the embedded server; the standard AWS variables
 *             (AWS_REGION, AWS_ENDPOINT_URL_SQS, credentials…) then say how to reach it
 *   --handler PATH  serve another build of the handler, e.g. the bundle `cdk synth` produced
 *
 * Prints, once ready, lines scripts can read: `Webhook URL: …`, `Queue URL: …`, `SQS endpoint: …`.
 */
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FORWARDER_SETTINGS as SETTINGS } from '../lib/forwarder-settings';
import {
  createForwarderQueues,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localSqsClient,
  startEmbeddedSqs,
  untilStopSignal,
  type EmbeddedSqs,
} from './embedded-sqs';
import { createWebhookServer, type ProxyHandler, type RequestLog } from './webhook-server';

const HOST = '127.0.0.1';

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`${name} must be a port number (0-65535), got ${JSON.stringify(raw)}`);
  }
  return value;
}

function logLine(entry: RequestLog): string {
  const alert = entry.alertId === undefined ? '' : ` alert=${entry.alertId}`;
  const severity = entry.severity === undefined ? '' : ` severity=${entry.severity}`;
  return `${new Date().toISOString()} ${entry.method} ${entry.path} ${entry.statusCode}${alert}${severity} ${entry.milliseconds}ms`;
}

/** Points the handler at the embedded server through the same variables it honours in AWS. */
async function useEmbeddedSqs(): Promise<{ sqs: EmbeddedSqs; queueUrl: string }> {
  const sqs = await startEmbeddedSqs(port('SQS_PORT', 4566), HOST);
  const { queueUrl } = await createForwarderQueues(localSqsClient(sqs.endpoint));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  });
  return { sqs, queueUrl };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { handler: { type: 'string' } } });
  const webhookPort = port('PORT', 3000);
  // The Lambda runs Node.js 24; the SDK's notice about older Node.js concerns only this laptop.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  const embedded = process.env.QUEUE_URL ? undefined : await useEmbeddedSqs();
  process.env.QUEUE_URL ??= embedded?.queueUrl;
  const sqsEndpoint =
    process.env.AWS_ENDPOINT_URL_SQS ?? process.env.AWS_ENDPOINT_URL ?? `https://sqs.${process.env.AWS_REGION}.amazonaws.com`;

  // Imported only now: the handler reads its configuration at load, as it does at a cold start.
  const handlerModule = values.handler ? resolve(values.handler) : '../functions/receiver';
  const { handler } = (await import(handlerModule)) as { handler: ProxyHandler };

  const server = createWebhookServer({ handler, onRequest: (entry) => console.log(logLine(entry)) });
  await new Promise<void>((done) => server.listen(webhookPort, HOST, done));
  const { port: boundPort } = server.address() as AddressInfo;

  console.log(`Webhook URL: http://${HOST}:${boundPort}${SETTINGS.route}`);
  console.log(`Queue URL: ${process.env.QUEUE_URL}`);
  console.log(`SQS endpoint: ${sqsEndpoint}`);
  console.log('Ready. In another terminal: npx panther-forwarder send-test-alert, then npx panther-forwarder tail (Ctrl-C stops)');

  await untilStopSignal();
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  await embedded?.sqs.stop();
  // The SDK keeps idle sockets to SQS open; nothing is left to do, so do not wait for them.
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
