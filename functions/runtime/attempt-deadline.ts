/**
 * One deadline for a whole HTTP attempt: connecting, waiting for the headers and reading the body.
 *
 * `@smithy/node-http-handler` clears its request timeout as soon as the headers arrive, and sets no
 * socket timeout, so an answer that stalls after its headers held an SQS send until the request's own
 * deadline (never retried) and a Secrets Manager refresh for ever. Here the body is read inside the
 * attempt, under the same timer; when the timer fires the socket is destroyed and the attempt fails as
 * a retryable TimeoutError, so the SDK (or the secret reader) tries again on a fresh connection.
 */
import type { HttpRequest, HttpResponse } from '@smithy/core/transport';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Readable } from 'node:stream';
import { type AttemptLimits, requestHandlerOptions } from './aws-client-options';

type HandlerOptions = NonNullable<Parameters<NodeHttpHandler['handle']>[1]>;
type HandlerConstruction = ConstructorParameters<typeof NodeHttpHandler>[0];

/** As the SDK names a timed-out attempt, so its retry strategy (and ours) treats it as transient. */
export function attemptTimeoutError(ms: number): Error {
  return Object.assign(new Error(`the attempt took longer than ${ms} ms (connect, headers and body)`), {
    name: 'TimeoutError',
    code: 'ETIMEDOUT',
  });
}

/** The whole body, or a rejection (with the stream destroyed) as soon as the signal aborts. */
function readWhole(body: Readable, signal: AbortSignal): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const onAbort = () => {
      body.destroy();
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = () => signal.removeEventListener('abort', onAbort);
    body.on('data', (chunk: Buffer) => chunks.push(chunk));
    body.once('end', () => {
      settle();
      resolve(Buffer.concat(chunks));
    });
    body.once('error', (error) => {
      settle();
      reject(error);
    });
  });
}

/**
 * A NodeHttpHandler whose every attempt ends within `attemptMs` as a whole. The answer it hands on
 * carries its body already read (a Uint8Array, which the SDK's deserializers take as they take a
 * stream). A caller's own abort signal still aborts with an AbortError (not retried).
 */
export class AttemptDeadlineHttpHandler extends NodeHttpHandler {
  readonly #attemptMs: number;

  constructor(limits: AttemptLimits, options: HandlerConstruction = requestHandlerOptions(limits)) {
    super(options);
    this.#attemptMs = limits.attemptMs;
  }

  override async handle(request: HttpRequest, options: HandlerOptions = {}): Promise<{ response: HttpResponse }> {
    const attempt = new AbortController();
    const timer = setTimeout(() => attempt.abort(attemptTimeoutError(this.#attemptMs)), this.#attemptMs);
    const caller = options.abortSignal as AbortSignal | undefined;
    const signal = caller === undefined ? attempt.signal : AbortSignal.any([caller, attempt.signal]);
    try {
      const { response } = await super.handle(request, { ...options, abortSignal: signal });
      response.body = await readWhole(response.body as Readable, signal);
      return { response };
    } catch (error) {
      if (attempt.signal.aborted && !caller?.aborted) throw attempt.signal.reason;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}
