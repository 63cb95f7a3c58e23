/**
 * The webhook secret source against a real (embedded, loopback) Secrets Manager, behind a fault
 * proxy for the failures: a refresh never makes an alert wait while a value is cached.
 */
import { startEmbeddedSecrets, type EmbeddedSecrets } from '../../../local/embedded-secrets';
import { type AttemptLimits, SECRETS_MANAGER_LIMITS } from '../../../functions/runtime/aws-client-options';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../functions/runtime/local-aws';
import {
  acceptedSecrets,
  createSecretSource,
  REFRESH_BACKOFF_MS,
  readBudgetFor,
  SECRET_CACHE_MS,
  SecretUnavailableError,
  STALE_WAIT_MS,
} from '../../../functions/runtime/secret-source';
import { createSqsClient } from '../../../functions/runtime/queue-sender';
import { secretsManagerReader } from '../../../functions/runtime/secrets-manager-reader';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy';
import { scaled, TENTH } from '../../support/limits';

const ID = 'test/secret';
const CURRENT = 'current-value-0123456789';
let server: EmbeddedSecrets;
let proxy: FaultProxy;

beforeEach(async () => {
  server = await startEmbeddedSecrets({ [ID]: JSON.stringify({ headerName: 'X-H', current: CURRENT }) });
  proxy = await startFaultProxy(server.endpoint);
});
afterEach(async () => {
  await proxy.close();
  await server.stop();
});

/** Secrets Manager's limits at a tenth: for the cases that wait for a failing read to end. */
const TENTH_LIMITS = scaled(SECRETS_MANAGER_LIMITS, TENTH);

/** A source reading through the fault proxy, on a clock the test moves, with the reader's limits (full scale by default). */
function source(
  clock: { now: number },
  onStaleServed?: (error: string) => void,
  maxStaleMs?: number,
  limits: AttemptLimits = SECRETS_MANAGER_LIMITS,
) {
  const target = { endpoint: proxy.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, limits };
  const read = secretsManagerReader(ID, createSqsClient(target).config, target);
  return createSecretSource(read, {
    now: () => clock.now,
    maxStaleMs,
    readBudgetMs: readBudgetFor(limits),
    ...(onStaleServed ? { onStaleServed } : {}),
  });
}

/** Until a failing read with these limits has ended: its attempts, their back-off and a margin (3.5 s at full scale). */
const readEnded = (limits: AttemptLimits) => new Promise((resolve) => setTimeout(resolve, readBudgetFor(limits)));

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe('createSecretSource', () => {
  it('reads Secrets Manager once per cache period, not per request; a rotation takes effect when the period ends', async () => {
    const clock = { now: 1_000_000 };
    const secrets = source(clock);
    for (let i = 0; i < 20; i += 1) expect(await secrets()).toEqual([CURRENT]);
    expect(server.reads()).toBe(1);
    clock.now += SECRET_CACHE_MS;
    server.put(ID, JSON.stringify({ current: 'next-value-0123456789', previous: CURRENT }));
    expect(await secrets()).toEqual(['next-value-0123456789', CURRENT]);
    expect(server.reads()).toBe(2);
  });

  it.each(['hang', 'reset', 'error500', 'malformed', 'stall-after-headers', 'stall-mid-body'] as const)(
    'serves the cached value when Secrets Manager fails (%s) after the cache expired: no request waits more than briefly',
    async (fault) => {
      const clock = { now: 1_000_000 };
      const secrets = source(clock);
      await secrets();
      proxy.plan([], fault);
      clock.now += SECRET_CACHE_MS + 1;
      const first = await timed(secrets);
      const second = await timed(secrets);
      expect(first.value).toEqual([CURRENT]);
      expect(second.value).toEqual([CURRENT]);
      expect(first.ms).toBeLessThan(STALE_WAIT_MS + 200);
      expect(second.ms).toBeLessThan(50);
    },
  );

  it('backs off after a failed refresh (saying so once, without the value), then picks up a rotation once Secrets Manager is healthy', async () => {
    const clock = { now: 1_000_000 };
    const warnings: string[] = [];
    const secrets = source(clock, (error) => warnings.push(error), undefined, TENTH_LIMITS);
    await secrets();
    proxy.plan([], 'error500');
    clock.now += SECRET_CACHE_MS + 1;
    expect(await secrets()).toEqual([CURRENT]);
    await readEnded(TENTH_LIMITS); // the failing refresh ends (two attempts)
    const asked = proxy.seen.length;
    expect(await secrets()).toEqual([CURRENT]);
    expect(proxy.seen.length).toBe(asked); // within the back-off: Secrets Manager is not asked again
    expect(warnings).toEqual([expect.stringMatching(/^cannot read the webhook secret \(/)]);
    expect(warnings.join('')).not.toContain(CURRENT);

    proxy.plan([], 'pass');
    server.put(ID, JSON.stringify({ current: 'rotated-value-0123456789', previous: CURRENT }));
    clock.now += REFRESH_BACKOFF_MS;
    expect(await secrets()).toEqual(['rotated-value-0123456789', CURRENT]);
  }, 15_000);

  it('a refresh stalled after the headers or mid-body ends at its deadline: once Secrets Manager heals, a rotation is picked up (deadlines ×0.1)', async () => {
    for (const stall of ['stall-after-headers', 'stall-mid-body'] as const) {
      const clock = { now: 1_000_000 };
      const secrets = source(clock, undefined, undefined, TENTH_LIMITS);
      await secrets();
      proxy.plan([], stall);
      clock.now += SECRET_CACHE_MS + 1;
      expect(await secrets()).toEqual([CURRENT]);
      await readEnded(TENTH_LIMITS); // both attempts end at their deadlines
      proxy.plan([], 'pass');
      server.put(ID, JSON.stringify({ current: `rotated-after-${stall}`, previous: CURRENT }));
      clock.now += REFRESH_BACKOFF_MS;
      const { value, ms } = await timed(secrets);
      expect(value).toEqual([`rotated-after-${stall}`, CURRENT]);
      expect(ms).toBeLessThan(1_000);
      server.put(ID, JSON.stringify({ current: CURRENT }));
    }
  }, 20_000);

  it('trusts a cached value only for maxStaleMs past its refresh while Secrets Manager fails, then refuses until a read succeeds', async () => {
    const clock = { now: 1_000_000 };
    const maxStaleMs = 60 * 60 * 1000;
    const failedRefreshes: string[] = [];
    const secrets = source(clock, (error) => failedRefreshes.push(error), maxStaleMs);
    await secrets();
    proxy.plan([], 'error500');
    clock.now += SECRET_CACHE_MS + maxStaleMs - 1;
    expect(await secrets()).toEqual([CURRENT]);
    clock.now += 1;
    await expect(secrets()).rejects.toThrow(/too old to trust/);
    // Still counted past the bound, so the SecretStale alarm does not recover as deliveries start failing.
    expect(failedRefreshes).toHaveLength(2);
    clock.now += REFRESH_BACKOFF_MS; // still failing, still refused: a too-old value never comes back by waiting
    await expect(secrets()).rejects.toBeInstanceOf(SecretUnavailableError);
    proxy.plan([], 'pass');
    expect(await secrets()).toEqual([CURRENT]);
  }, 20_000);

  it('fails quickly with SecretUnavailableError when no value was ever read and Secrets Manager hangs, refuses or stalls', async () => {
    // The hang at full scale; the stalls wait on the same deadlines, at a tenth.
    const cases = [
      ['hang', SECRETS_MANAGER_LIMITS],
      ['error500', SECRETS_MANAGER_LIMITS],
      ['stall-after-headers', TENTH_LIMITS],
      ['stall-mid-body', TENTH_LIMITS],
    ] as const;
    for (const [fault, limits] of cases) {
      proxy.plan([], fault);
      const { ms } = await timed(() =>
        expect(source({ now: 0 }, undefined, undefined, limits)()).rejects.toBeInstanceOf(SecretUnavailableError),
      );
      expect(ms).toBeLessThan(readBudgetFor(limits) + 500);
    }
  });

  it('abandons a read that outlives its budget (e.g. a hanging credential provider), and can read again', async () => {
    let reads = 0;
    const hanging = () => {
      reads += 1;
      return reads === 1 ? new Promise<string>(() => undefined) : Promise.resolve(JSON.stringify({ current: CURRENT }));
    };
    const secrets = createSecretSource(hanging, { now: () => 0, readBudgetMs: 200 });
    const { ms } = await timed(() => expect(secrets()).rejects.toThrow(/cannot read the webhook secret \(TimeoutError/));
    expect(ms).toBeLessThan(1_000);
    expect(await secrets()).toEqual([CURRENT]);
  });

  it('shares one read among concurrent first requests', async () => {
    const secrets = source({ now: 0 });
    await Promise.all(Array.from({ length: 10 }, () => secrets()));
    expect(server.reads()).toBe(1);
  });
});

describe('acceptedSecrets', () => {
  it.each([
    ['not JSON', 'nope', /not JSON/],
    ['no current', '{"previous":"x-0123456789abcdef"}', /current/],
    ['a short current', '{"current":"short"}', /current/],
  ])('refuses %s, naming the problem but not the value', (_name, value, message) => {
    expect(() => acceptedSecrets(value)).toThrow(message);
    try {
      acceptedSecrets(value);
    } catch (error) {
      expect((error as Error).message).not.toContain('0123456789abcdef');
    }
  });

  it('ignores a previous value too short to be one', () => {
    expect(acceptedSecrets('{"current":"current-value-0123456789","previous":"x"}')).toEqual(['current-value-0123456789']);
  });
});
