/**
 * Each send's own abort signal, on an SDK client that resolves its middleware stack only once.
 *
 * Given per-send options (`send(command, { abortSignal })`), the SDK resolves the client's whole
 * middleware stack again for that one send; with `cacheMiddleware` it resolves it once per command
 * class, but then has nowhere to take a per-send signal from. That resolution was a tenth to a sixth
 * of a warm 2.3 KB send (BENCHMARKS.md). So the signal rides on the command's input instead: the
 * innermost middleware notes it against the signed request, and the HTTP handler aborts with it.
 * The SDK's retry back-off does not see the signal: `abandonOnAbort` stops waiting for it.
 */
import { HttpRequest } from '@smithy/core/transport';
import { AttemptDeadlineHttpHandler } from './attempt-deadline';

const SIGNAL = Symbol('per-send abort signal');
const signalOfRequest = new WeakMap<HttpRequest, AbortSignal>();

/** The command's input, carrying the send's signal (the serializer writes only the operation's members). */
export function withAbortSignal<Input extends object>(input: Input, signal: AbortSignal | undefined): Input {
  return signal === undefined ? input : { ...input, [SIGNAL]: signal };
}

type HandlerOptions = Parameters<AttemptDeadlineHttpHandler['handle']>[1];

/** An attempt-deadline handler that also aborts each request with the signal its send's input carried. */
export class PerSendAbortHttpHandler extends AttemptDeadlineHttpHandler {
  override handle(request: HttpRequest, options: HandlerOptions = {}) {
    const signal = signalOfRequest.get(request);
    return super.handle(request, signal === undefined ? options : { ...options, abortSignal: signal });
  }
}

interface StackOf<Input extends object> {
  add(
    middleware: (
      next: (args: { input: Input; request: unknown }) => Promise<unknown>,
    ) => (args: { input: Input; request: unknown }) => Promise<unknown>,
    options: { step: 'deserialize'; priority: 'low'; name: string },
  ): void;
}

/**
 * The last middleware before the HTTP handler, run for every attempt: it sees the request exactly
 * as the handler will (signed), and the input the send began with.
 */
export function passAbortSignalToHttp<Input extends object>(stack: StackOf<Input>): void {
  stack.add(
    (next) => (args) => {
      const signal = (args.input as { [SIGNAL]?: AbortSignal })[SIGNAL];
      if (signal !== undefined && HttpRequest.isInstance(args.request)) signalOfRequest.set(args.request, signal);
      return next(args);
    },
    { step: 'deserialize', priority: 'low', name: 'passAbortSignalToHttp' },
  );
}

/** The work's outcome, or an AbortError as soon as the signal aborts (the work is left to finish on its own). */
export function abandonOnAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    // Named as the SDK names an aborted request, so the log reads the same whichever noticed first.
    const onAbort = () => reject(Object.assign(new Error('abandoned at its deadline'), { name: 'AbortError' }));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
