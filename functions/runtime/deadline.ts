/**
 * Each request's (or record's) own deadline: a second before the Lambda's own timeout, so the
 * function always answers itself (a 5xx with its reason, a failed record) rather than being cut off.
 * Per request, never shared: nothing one request does can cut another short.
 */
import type { Context } from 'aws-lambda';

export const DEADLINE_MARGIN_MS = 1_000;

/** An abort signal at the Lambda's remaining time less the margin; `clear()` once the work is done. */
export function lambdaDeadline(context: Pick<Context, 'getRemainingTimeInMillis'>): { readonly signal: AbortSignal; clear(): void } {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), Math.max(0, context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS));
  return { signal: deadline.signal, clear: () => clearTimeout(timer) };
}
