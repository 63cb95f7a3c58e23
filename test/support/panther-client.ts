/**
 * Delivers alerts the way Panther's alert delivery does: POST, and on any non-2xx answer or network
 * error retry up to 10 times after a random delay. Panther waits 30–300 s between tries; tests scale
 * that to milliseconds. Bounded: at most 11 attempts per alert.
 */
import { postBody } from './http';

export const PANTHER_MAX_RETRIES = 10;

export interface Delivery {
  readonly body: string;
  /** Statuses of every attempt, in order; 0 for a network error. */
  readonly attempts: number[];
  readonly delivered: boolean;
  /** The messageId from the acknowledging answer. */
  readonly messageId?: string;
}

export async function deliverLikePanther(
  url: string,
  body: string,
  headers: Record<string, string>,
  { minDelayMs = 30, maxDelayMs = 300 }: { minDelayMs?: number; maxDelayMs?: number } = {},
): Promise<Delivery> {
  const attempts: number[] = [];
  for (let attempt = 0; attempt <= PANTHER_MAX_RETRIES; attempt += 1) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, minDelayMs + Math.random() * (maxDelayMs - minDelayMs)));
    try {
      const answer = await postBody(url, body, headers);
      attempts.push(answer.status);
      if (answer.status >= 200 && answer.status < 300) {
        return { body, attempts, delivered: true, messageId: (JSON.parse(answer.body) as { messageId: string }).messageId };
      }
    } catch {
      attempts.push(0);
    }
  }
  return { body, attempts, delivered: false };
}

export { inParallel } from '../../cli/in-parallel';
