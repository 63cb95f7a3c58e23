/**
 * The shared secret Panther sends in a custom header, read from Secrets Manager and cached in the
 * function: one GetSecretValue per five minutes, not per request. The secret is JSON:
 *   {"headerName": "...", "current": "...", "previous": "..."}   (previous only during a rotation)
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export const SECRET_CACHE_MS = 5 * 60 * 1000;
const MIN_SECRET_LENGTH = 16;

export type SecretSource = (signal?: AbortSignal) => Promise<readonly string[]>;

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

/**
 * The Secrets Manager SDK is loaded on the first fetch, not at module load: it is needed once per
 * five minutes, and importing it would lengthen every cold start (measured: bench/, BENCHMARKS.md).
 * Honours AWS_ENDPOINT_URL_SECRETS_MANAGER / AWS_ENDPOINT_URL like the SQS client.
 */
async function secretsManager(): Promise<{ client: SecretsManagerClient; GetSecretValueCommand: typeof import('@aws-sdk/client-secrets-manager').GetSecretValueCommand }> {
  const sdk = await import('@aws-sdk/client-secrets-manager');
  const client = new sdk.SecretsManagerClient({ maxAttempts: 2, requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 } });
  return { client, GetSecretValueCommand: sdk.GetSecretValueCommand };
}

/**
 * After a failed refresh the last good values stay in use (a Secrets Manager blip must not stop
 * alerts); with none, the error propagates.
 */
export function createSecretSource(secretId: string, now: () => number = Date.now): SecretSource {
  let cached: { values: readonly string[]; at: number } | undefined;
  let sdk: ReturnType<typeof secretsManager> | undefined;
  return async (signal) => {
    if (cached && now() - cached.at < SECRET_CACHE_MS) return cached.values;
    try {
      sdk ??= secretsManager();
      const { client, GetSecretValueCommand } = await sdk;
      const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }), { abortSignal: signal });
      cached = { values: acceptedSecrets(SecretString), at: now() };
      return cached.values;
    } catch (error) {
      if (cached) return cached.values;
      throw error instanceof SecretUnavailableError ? error : new SecretUnavailableError(`cannot read the webhook secret (${(error as Error).name})`);
    }
  };
}
