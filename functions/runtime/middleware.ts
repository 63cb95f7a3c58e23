/** API Gateway proxy plumbing: JSON answers stamped with the request id, and a 5xx for anything unexpected. */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { UNEXPECTED_FAILURE_REPLY, type WebhookReply } from '../core/webhook-core';
import { describeError } from './errors';
import type { RequestRecord } from './request-log';

/**
 * Every answer names the request (also in the log line), so one id finds a delivery in Panther's
 * delivery status and in the logs.
 */
export function toProxyResult(reply: WebhookReply, requestId?: string): APIGatewayProxyResult {
  return {
    statusCode: reply.statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(requestId === undefined ? reply.body : { ...reply.body, requestId }),
  };
}

/** Never let a failure become a 2xx or an opaque Lambda error: anything unexpected is a 500, which Panther retries. */
export function answerUnexpectedFailures(log: (record: RequestRecord) => void): MiddlewareObj<unknown, APIGatewayProxyResult> {
  // When each request started, so that a failure's log line carries its real duration.
  const started = new WeakMap<object, number>();
  return {
    before: (request) => {
      started.set(request, performance.now());
    },
    onError: (request) => {
      const requestId = (request.context as { awsRequestId?: string } | undefined)?.awsRequestId;
      log({
        outcome: 'error',
        status: UNEXPECTED_FAILURE_REPLY.statusCode,
        durationMs: Math.round(performance.now() - (started.get(request) ?? performance.now())),
        reason: 'unexpected',
        ...(requestId === undefined ? {} : { requestId }),
        error: describeError(request.error),
      });
      request.response = toProxyResult(UNEXPECTED_FAILURE_REPLY, requestId);
    },
  };
}
