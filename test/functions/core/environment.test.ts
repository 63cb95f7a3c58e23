/**
 * The readers' half of "names once": each function's config reader reads only the variables its list
 * in core/environment.ts names (test/lib/environment-names.test.ts holds the constructs to the same
 * lists). Reads are recorded through a Proxy over a complete, valid environment.
 */
import { ENV, INBOX_ENV, RECEIVER_ENV } from '../../../functions/core/environment';
import { readInboxConfig, readReceiverConfig } from '../../../functions/core/receiver-config';

/** Every variable set to a valid value, as a deployed function would have them. */
const COMPLETE: Record<string, string> = {
  [ENV.queueUrl]: 'https://sqs.us-east-1.amazonaws.com/123456789012/alerts',
  [ENV.quarantineQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/123456789012/quarantine',
  [ENV.routes]: '[]',
  [ENV.requestLog]: 'json',
  [ENV.metricsScope]: 'Stack/Forwarder',
  [ENV.archiveBucket]: 'archive-bucket',
  [ENV.archivePrefix]: 'alerts/',
  [ENV.invalidPayloads]: 'quarantine',
  [ENV.authHeaderName]: 'X-Panther-Webhook-Secret',
  [ENV.secretId]: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:webhook',
  [ENV.secretMaxStaleSeconds]: '86400',
  // Variables Lambda and the SDK set, which no reader of ours may depend on.
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'fn',
};

function namesRead(reader: (env: NodeJS.ProcessEnv) => unknown): string[] {
  const read = new Set<string>();
  reader(
    new Proxy(COMPLETE, {
      get: (target, name) => {
        if (typeof name === 'string') read.add(name);
        return target[name as string];
      },
    }),
  );
  return [...read].sort();
}

describe('the config readers', () => {
  it('of the receiver read exactly RECEIVER_ENV', () => {
    expect(namesRead(readReceiverConfig)).toEqual([...RECEIVER_ENV].sort());
  });

  it('of the inbox processor read exactly INBOX_ENV', () => {
    expect(namesRead(readInboxConfig)).toEqual([...INBOX_ENV].sort());
  });

  it('name each variable once, and no name twice', () => {
    const names = Object.values(ENV);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Z][A-Z0-9_]*$/);
  });
});
