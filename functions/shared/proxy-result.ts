/** API Gateway proxy plumbing shared by the handlers: JSON answers and a 5xx for anything unexpected. */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { describeError } from './queue-sender';
import type { RequestRecord } from './request-log';
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
export function answerUnexpectedFailures(
  log: (record: RequestRecord) => void,
): MiddlewareObj<unknown, APIGatewayProxyResult> {
  // When each request started, so that a failure's log line carries its real duration.
  const started = new WeakMap<object, number>();
  return {
    before: (request) => {
      started.set(request, performance.now());
    },
    onError: (request) => {
      const timedOut = request.error?.name === 'TimeoutError';
      const reply = timedOut ? replyToEnqueue({ ok: false, failure: 'unreachable' }) : UNEXPECTED_FAILURE_REPLY;
      log({
        outcome: 'error',
        status: reply.statusCode,
        durationMs: Math.round(performance.now() - (started.get(request) ?? performance.now())),
        reason: timedOut ? 'timeout' : 'unexpected',
        error: describeError(request.error),
      });
      request.response = toProxyResult(reply);
    },
  };
}
