/**
 * The receiver as a factory: configuration and dependencies in, a Lambda handler out. The Lambda's
 * handler module wires the real ones once; tests and local mode build their own. A 2xx leaves here
 * only after every target of the delivery (queues, archive) confirmed it.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { ReceiverConfig } from '../core/receiver-config';
import { decideOnDelivery, refuseMissingHeader, SECRET_UNAVAILABLE_REPLY, type WebhookReply } from '../core/webhook-core';
import { lambdaDeadline } from './deadline';
import { describeError } from './errors';
import { answerUnexpectedFailures, toProxyResult } from './middleware';
import { type Deliver, deliverDecision } from './deliver';
import { recordOf, type RequestRecord } from './request-log';
import type { SecretSource } from './secret-source';

export interface ReceiverDependencies {
  /** The delivery pipeline (deliver.ts). */
  readonly deliver: Deliver;
  readonly secrets: SecretSource;
  /** One call per request; none when undefined. */
  readonly log?: (record: RequestRecord) => void;
}

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export function createReceiver(config: ReceiverConfig, { deliver, secrets, log = () => undefined }: ReceiverDependencies): ProxyHandler {
  async function receiveAlert(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
    const started = performance.now();
    const ids = { requestId: context.awsRequestId, apiRequestId: event.requestContext?.requestId };
    const finish = (reply: WebhookReply, record: Omit<RequestRecord, 'durationMs' | 'status'>) => {
      log({ ...record, status: reply.statusCode, durationMs: Math.round(performance.now() - started), ...ids });
      return toProxyResult(reply, ids.requestId);
    };

    // Without the header nothing needs the secret: never wait on Secrets Manager to say 401.
    const headerMissing = refuseMissingHeader(event, config.authHeaderName);
    if (headerMissing?.action === 'reply') return finish(headerMissing.reply, recordOf(headerMissing));

    let acceptedSecrets: readonly string[];
    try {
      acceptedSecrets = await secrets();
    } catch (error) {
      return finish(SECRET_UNAVAILABLE_REPLY, { outcome: 'error', reason: 'secret-unavailable', error: describeError(error) });
    }

    const decision = decideOnDelivery(event, {
      authHeaderName: config.authHeaderName,
      acceptedSecrets,
      invalidPayloads: config.invalidPayloads,
    });
    if (decision.action === 'reply') return finish(decision.reply, recordOf(decision));

    const deadline = lambdaDeadline(context);
    try {
      // The alert queue, every matching route and the archive (or the quarantine queue), in parallel;
      // a 2xx only if every one of them confirmed.
      const { reply, fields } = await deliverDecision(config, decision, deliver, deadline.signal);
      return finish(reply, fields);
    } finally {
      deadline.clear();
    }
  }

  // middy's early timeout is off: its abort signal is shared by every request of the module.
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>({ timeoutEarlyInMillis: 0 })
    .use(answerUnexpectedFailures(log))
    .handler(receiveAlert);
}
