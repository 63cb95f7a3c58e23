/**
 * Lambda handler behind API Gateway's `POST /alerts`: a thin adapter between the proxy event, the
 * pure webhook core and SQS. A 2xx leaves here only after SQS confirmed the message.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { createAlertSender } from './shared/alert-sender';
import { readReceiverConfig } from './shared/config';
import { answerUnexpectedFailures, toProxyResult } from './shared/proxy-result';
import { decideOnDelivery, replyToEnqueue } from './shared/webhook-core';

const config = readReceiverConfig(process.env);
const sendAlert = createAlertSender(config.queueUrl);

async function receiveAlert(
  event: APIGatewayProxyEvent,
  _context: Context,
  { signal }: { signal: AbortSignal },
): Promise<APIGatewayProxyResult> {
  const decision = decideOnDelivery(event);
  if (decision.action === 'reply') return toProxyResult(decision.reply);
  return toProxyResult(replyToEnqueue(await sendAlert(decision, signal)));
}

// Answer (5xx) a second before the Lambda timeout, so Panther sees our reason rather than a bare 502.
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>({ timeoutEarlyInMillis: 1_000 })
  .use(answerUnexpectedFailures())
  .handler(receiveAlert);
