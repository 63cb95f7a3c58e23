/**
 * Lambda handler behind API Gateway's `POST /alerts`: a thin adapter between the proxy event, the
 * pure webhook core, the cached webhook secret and SQS. A 2xx leaves here only after SQS confirmed.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { createQueueSender } from './shared/queue-sender';
import { readReceiverConfig } from './shared/config';
import { answerUnexpectedFailures, toProxyResult } from './shared/proxy-result';
import { recordOf, requestLogLine, type RequestRecord } from './shared/request-log';
import { matchingRoutes } from './shared/routes';
import {
  combineOutcomes,
  decideOnDelivery,
  replyToEnqueue,
  SECRET_UNAVAILABLE_REPLY,
  type EnqueueOutcome,
  type WebhookReply,
} from './shared/webhook-core';
import { createSecretSource } from './shared/webhook-secret';

const config = readReceiverConfig(process.env);
const send = createQueueSender();
const secrets = createSecretSource(config.secretId);
const log = (record: RequestRecord) => {
  if (config.requestLog) process.stdout.write(requestLogLine(record));
};

async function receiveAlert(
  event: APIGatewayProxyEvent,
  _context: Context,
  { signal }: { signal: AbortSignal },
): Promise<APIGatewayProxyResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);

  let acceptedSecrets: readonly string[];
  try {
    acceptedSecrets = await secrets(signal);
  } catch (error) {
    log({ outcome: 'error', status: 503, durationMs: elapsed(), reason: 'secret-unavailable', error: (error as Error).message });
    return toProxyResult(SECRET_UNAVAILABLE_REPLY);
  }

  const decision = decideOnDelivery(event, {
    authHeaderName: config.authHeaderName,
    acceptedSecrets,
    invalidPayloads: config.invalidPayloads,
  });
  let reply: WebhookReply;
  let sent: EnqueueOutcome | undefined;
  if (decision.action === 'reply') {
    reply = decision.reply;
  } else if (decision.action === 'enqueue') {
    // The alert queue and every matching route, in parallel; a 2xx only if every send succeeded.
    const queues = [config.queueUrl, ...matchingRoutes(config.routes, decision.attributes).map((route) => route.queueUrl)];
    const outcomes = await Promise.all(
      queues.map((queueUrl) => send(queueUrl, decision.messageBody, decision.attributes, signal, decision.messageGroupId)),
    );
    sent = combineOutcomes(outcomes);
    reply = replyToEnqueue(sent);
  } else {
    sent = await send(config.quarantineQueueUrl!, decision.messageBody, decision.attributes, signal);
    reply = replyToEnqueue(sent, decision);
  }
  log(recordOf(decision, reply.statusCode, elapsed(), sent));
  return toProxyResult(reply);
}

// Answer (5xx) a second before the Lambda timeout, so Panther sees our reason rather than a bare 502.
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>({ timeoutEarlyInMillis: 1_000 })
  .use(answerUnexpectedFailures((record) => log(record)))
  .handler(receiveAlert);
