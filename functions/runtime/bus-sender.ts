/**
 * The bus target's sender: one PutEvents (AWS JSON 1.1, `AWSEvents.PutEvents`) of the one entry the
 * core built (core/bus-event.ts), as a signed request (signed-request.ts) with the SQS client's
 * credentials and signer: no EventBridge SDK client on the cold start (the same reason as the secret
 * read's and the archive write's, BENCHMARKS.md).
 *
 * PutEvents answers 200 even when it refused the entry: `FailedEntryCount` and the entry's
 * `ErrorCode` say so. A refused entry is a failed delivery like a refused SendMessage (a 5xx for the
 * webhook, a retried record for the inbox), never a silent success.
 */
import { partition } from '@aws-sdk/core/client';
import { BUS_ERROR_PREFIX, type BusEntry } from '../core/bus-event';
import type { TargetOutcome } from '../core/webhook-core';
import type { AttemptLimits, AwsClientTarget } from './aws-client-options';
import { describeError } from './errors';
import { describeJsonError } from './secrets-manager-reader';
import { type SharedClientConfig, signedRequest } from './signed-request';

/**
 * Like SQS's: three short attempts (an entry is at most 1 MB), so a slow or failing EventBridge gets
 * Panther a 5xx well before the function's own deadline.
 */
export const EVENTS_LIMITS: AttemptLimits = { connectMs: 1_000, attemptMs: 2_000, maxAttempts: 3 };

/** Puts one entry; never throws (the outcome says how it went). The outcome's messageId is the event's id. */
export type BusSender = (entry: BusEntry, signal?: AbortSignal) => Promise<TargetOutcome>;

/** The EventBridge endpoint the SDK's endpoint rules give for a region and endpoint variant. */
export function eventsEndpoint(region: string, { fips = false, dualStack = false } = {}): URL {
  const { dnsSuffix, dualStackDnsSuffix } = partition(region);
  return new URL(`https://${fips ? 'events-fips' : 'events'}.${region}.${dualStack ? dualStackDnsSuffix : dnsSuffix}`);
}

/** What PutEvents answers: per entry, its event id or its error. */
interface PutEventsAnswer {
  readonly FailedEntryCount?: number;
  readonly Entries?: readonly { readonly EventId?: string; readonly ErrorCode?: string; readonly ErrorMessage?: string }[];
}

/**
 * The sender of a function. Without an endpoint in the target it honours AWS_ENDPOINT_URL_EVENTBRIDGE
 * and AWS_ENDPOINT_URL, like the SDK (local mode's recording bus is such an endpoint).
 */
export function busSender(shared: SharedClientConfig, target: AwsClientTarget = {}, env: NodeJS.ProcessEnv = process.env): BusSender {
  const request = signedRequest(shared, target, {
    service: 'events',
    limits: target.limits ?? EVENTS_LIMITS,
    endpoint: { variable: 'AWS_ENDPOINT_URL_EVENTBRIDGE', regional: (region, variant) => eventsEndpoint(region, variant) },
    env,
    describeError: describeJsonError,
  });
  const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' };
  return async (entry, signal) => {
    let answer: PutEventsAnswer;
    try {
      const { body } = await request(
        { method: 'POST', path: '/', headers, body: JSON.stringify({ Entries: [entry] }) },
        signal === undefined ? {} : { signal },
      );
      answer = JSON.parse(Buffer.from(body).toString('utf8')) as PutEventsAnswer;
    } catch (error) {
      const answered = typeof (error as { $metadata?: { httpStatusCode?: unknown } })?.$metadata?.httpStatusCode === 'number';
      return { ok: false, failure: answered ? 'refused' : 'unreachable', error: `${BUS_ERROR_PREFIX}${describeError(error)}` };
    }
    const [result] = answer.Entries ?? [];
    if ((answer.FailedEntryCount ?? 0) > 0 || result?.EventId === undefined) {
      // The entry's code only (e.g. InternalFailure, ThrottlingException): its message may quote the event.
      return { ok: false, failure: 'refused', error: `${BUS_ERROR_PREFIX}${result?.ErrorCode ?? 'no event id'}` };
    }
    return { ok: true, messageId: result.EventId };
  };
}
