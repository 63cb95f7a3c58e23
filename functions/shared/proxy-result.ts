/** API Gateway proxy plumbing shared by the handlers: JSON answers and a 5xx for anything unexpected. */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { replyToEnqueue, UNEXPECTED_FAILURE_REPLY, type WebhookReply } from './webhook-core';

export function toProxyResult(reply: WebhookReply): APIGatewayProxyResult {
  return {
    statusCode: reply.statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: reply.body,
  };
}

/**
 * Never let a failure become a 2xx (or an opaque Lambda error): middy's early timeout means SQS did
 * not answer in time (503); anything else is unexpected (500). Panther retries both.
 */
export function answerUnexpectedFailures(): MiddlewareObj<unknown, APIGatewayProxyResult> {
  return {
    onError: (request) => {
      const error = request.error;
      console.error(JSON.stringify({ level: 'ERROR', message: 'request failed', error: error?.name ?? 'unknown' }));
      const timedOut = error?.name === 'TimeoutError';
      request.response = toProxyResult(
        timedOut ? replyToEnqueue({ ok: false, failure: 'unreachable' }) : UNEXPECTED_FAILURE_REPLY,
      );
    },
  };
}
