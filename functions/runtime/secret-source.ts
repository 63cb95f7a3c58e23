/**
 * The shared secret Panther sends in a custom header, read from Secrets Manager and cached in the
 * function: one GetSecretValue per five minutes, not per request. The secret is JSON:
 *   {"current": "...", "previous": "..."}   (previous only during a rotation; other keys are ignored)
 *
 * A refresh never blocks alerts while a value is cached: the request that finds the cache stale
 * waits for the refresh a short while (so a rotation takes effect on time when Secrets Manager is
 * healthy), every other request is served the cached value at once, and after a failed refresh the
 * next try waits a back-off period. Only a function that has never read the secret waits for
 * Secrets Manager, within the reader's attempt deadlines (so a refresh always ends, and can run again).
 *
 * Trust in a cached value is bounded: while Secrets Manager keeps failing, it serves `maxStaleMs`
 * past its refresh time at most (a revoked secret must not stay valid for as long as an outage
 * lasts); after that every request waits for a read again, and gets 503 while the read fails, which
 * Panther retries (every 15 minutes or more, up to 10 times).
 */
import { FORWARDER_SETTINGS } from '../core/settings';
import { type AttemptLimits, SECRETS_MANAGER_LIMITS } from './aws-client-options';
import { describeError } from './errors';

export const SECRET_CACHE_MS = 5 * 60 * 1000;
/** How long the request that finds the cache stale waits for the refresh before using the cached value. */
export const STALE_WAIT_MS = 250;
/** After a failed refresh, the cached value serves this long before Secrets Manager is asked again. */
export const REFRESH_BACKOFF_MS = 30 * 1000;
const MIN_SECRET_LENGTH = 16;

export type SecretSource = () => Promise<readonly string[]>;
/** Reads the secret string (one GetSecretValue); the source decides when. */
export type SecretReader = () => Promise<string | undefined>;

/** Thrown when no secret can be had: the handler answers 5xx, so Panther retries. */
export class SecretUnavailableError extends Error {
  override readonly name = 'SecretUnavailableError';
}

/** The values a secret string says to accept, or an error naming what is wrong (never the value). */
export function acceptedSecrets(secretString: string | undefined): readonly string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString ?? '');
  } catch {
    throw new SecretUnavailableError('the webhook secret is not JSON');
  }
  const { current, previous } = (parsed ?? {}) as { current?: unknown; previous?: unknown };
  if (typeof current !== 'string' || current.length < MIN_SECRET_LENGTH) {
    throw new SecretUnavailableError(`the webhook secret's "current" must be a string of ${MIN_SECRET_LENGTH}+ characters`);
  }
  return typeof previous === 'string' && previous.length >= MIN_SECRET_LENGTH ? [current, previous] : [current];
}

export interface SecretSourceOptions {
  readonly now?: () => number;
  /** How long past its refresh time a cached value serves while reads fail. @default 24 hours */
  readonly maxStaleMs?: number;
  /**
   * Called for every failed refresh of a value once read (for the log and the SecretStale metric),
   * whether the cached value still serves or is already too old to: the alarm must not recover
   * just when deliveries start getting 503.
   */
  readonly onStaleServed?: (error: string) => void;
  /**
   * A read that has not ended by then is abandoned (its attempts have their own deadlines; this
   * also covers what runs before them, such as a credential provider that hangs), so a refresh can
   * always run again and a first request never outlives the function.
   * @default READ_BUDGET_MS
   */
  readonly readBudgetMs?: number;
}

/** The reader's attempts within these limits, their back-off, and a margin. */
export function readBudgetFor(limits: AttemptLimits): number {
  return limits.maxAttempts * limits.attemptMs + 500;
}

/** Two attempts of Secrets Manager's limits, their back-off, and a margin. */
export const READ_BUDGET_MS = readBudgetFor(SECRETS_MANAGER_LIMITS);

/** The read's outcome, or a rejection once the budget is spent (the read itself is left to end on its own). */
function withinBudget<T>(read: Promise<T>, budgetMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const spent = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`the read took longer than ${budgetMs} ms`), { name: 'TimeoutError', code: 'READ_BUDGET' })),
      budgetMs,
    );
  });
  return Promise.race([read, spent]).finally(() => clearTimeout(timer));
}

export function createSecretSource(
  read: SecretReader,
  {
    now = Date.now,
    maxStaleMs = FORWARDER_SETTINGS.secretMaxStaleSeconds * 1000,
    onStaleServed,
    readBudgetMs = READ_BUDGET_MS,
  }: SecretSourceOptions = {},
): SecretSource {
  let cached: { values: readonly string[]; at: number } | undefined;
  let refreshing: Promise<readonly string[]> | undefined;
  let retryAt = 0;
  /** A cached value that may still serve while a refresh fails. */
  const trusted = () => (cached !== undefined && now() - cached.at < SECRET_CACHE_MS + maxStaleMs ? cached : undefined);

  const refresh = (): Promise<readonly string[]> => {
    refreshing ??= withinBudget(read(), readBudgetMs)
      .then((secretString) => {
        cached = { values: acceptedSecrets(secretString), at: now() };
        return cached.values;
      })
      .catch((error: unknown) => {
        retryAt = now() + REFRESH_BACKOFF_MS;
        const reason = error instanceof SecretUnavailableError ? error.message : `cannot read the webhook secret (${describeError(error)})`;
        if (cached) onStaleServed?.(reason);
        const fallback = trusted();
        if (fallback) return fallback.values;
        throw new SecretUnavailableError(cached ? `${reason}; the cached secret is too old to trust` : reason);
      })
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  };

  return async () => {
    const usable = trusted();
    if (usable === undefined) return refreshing ?? refresh();
    if (now() - usable.at < SECRET_CACHE_MS || refreshing !== undefined || now() < retryAt) return usable.values;
    const stale = usable.values;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<readonly string[]>((resolve) => {
      timer = setTimeout(() => resolve(stale), STALE_WAIT_MS);
    });
    try {
      return await Promise.race([refresh(), waited]);
    } finally {
      clearTimeout(timer);
    }
  };
}
