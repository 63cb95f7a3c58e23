/** The webhook secret source against a real (embedded, loopback) Secrets Manager. */
import { startEmbeddedSecrets, type EmbeddedSecrets } from '../../../local/embedded-secrets';
import { acceptedSecrets, createSecretSource, SECRET_CACHE_MS, SecretUnavailableError } from '../../../functions/shared/webhook-secret';

const ID = 'test/secret';
let server: EmbeddedSecrets;

beforeEach(async () => {
  server = await startEmbeddedSecrets({ [ID]: JSON.stringify({ headerName: 'X-H', current: 'current-value-0123456789' }) });
  Object.assign(process.env, { AWS_ENDPOINT_URL_SECRETS_MANAGER: server.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' });
});
afterEach(() => server.stop());

describe('createSecretSource', () => {
  it('reads Secrets Manager once per cache period, not per request', async () => {
    let now = 1_000_000;
    const source = createSecretSource(ID, () => now);
    for (let i = 0; i < 20; i += 1) expect(await source()).toEqual(['current-value-0123456789']);
    expect(server.reads()).toBe(1);
    now += SECRET_CACHE_MS;
    server.put(ID, JSON.stringify({ current: 'next-value-0123456789', previous: 'current-value-0123456789' }));
    expect(await source()).toEqual(['next-value-0123456789', 'current-value-0123456789']);
    expect(server.reads()).toBe(2);
  });

  it('keeps the last good values through a failed refresh, and fails without any', async () => {
    let now = 1_000_000;
    const source = createSecretSource(ID, () => now);
    await source();
    await server.stop();
    now += SECRET_CACHE_MS + 1;
    expect(await source()).toEqual(['current-value-0123456789']);
    await expect(createSecretSource(ID, () => now)()).rejects.toBeInstanceOf(SecretUnavailableError);
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
