/**
 * The whole handler under fast-check, against a real fauxqs server: thousands of random and
 * mutated payloads never make it throw or hang, and a 2xx comes only for a real alert, which is
 * then on the queue.
 */
import fc from 'fast-check';
import { localSqsClient } from '../../functions/runtime/local-aws';
import { expectedStatus, mutatedAlert, validAlert } from '../corpus/arbitraries';
import { invoke, loadHandler, startTestServers, type Handler, type TestServers } from '../support/handler';
import { drainQueue } from '../support/queue';

let handler: Handler;
let endpoint: string;
let queueUrl: string;
let accepted = 0;
let servers: TestServers;

beforeAll(async () => {
  servers = await startTestServers();
  endpoint = servers.sqs['SQS endpoint']!;
  queueUrl = servers.sqs['Queue URL']!;
  // Reject mode: here "never 2xx for a non-alert" holds literally (quarantine answers 202 by design).
  handler = loadHandler({ QUEUE_URL: queueUrl, AWS_ENDPOINT_URL_SQS: endpoint, AWS_ENDPOINT_URL_SECRETS_MANAGER: servers.secretsEndpoint });
});
afterAll(() => servers.stop());

/** The handler's answer, or a failure if it threw or took longer than 5 s. */
async function answer(bytes: Buffer): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('handler hung for 5 s')), 5_000);
  });
  try {
    const result = await Promise.race([invoke(handler, bytes), hang]);
    return result.statusCode;
  } finally {
    clearTimeout(timer);
  }
}

const payloads = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)), weight: 2 },
  { arbitrary: fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '')), weight: 2 },
  { arbitrary: mutatedAlert, weight: 4 },
  { arbitrary: validAlert.map((a) => Buffer.from(JSON.stringify(a))), weight: 2 },
);

describe('receiver handler (fuzz, real SQS)', () => {
  it('answers every payload as the oracle says, never throwing, never hanging, never 2xx for a non-alert', async () => {
    await fc.assert(
      fc.asyncProperty(payloads, async (bytes) => {
        const status = await answer(bytes);
        expect(status).toBe(expectedStatus(bytes));
        if (status === 200) accepted += 1;
      }),
      { numRuns: 4_000 },
    );
    // Everything acknowledged is on the queue, and nothing else is.
    expect(accepted).toBeGreaterThan(500);
    const messages = await drainQueue(localSqsClient(endpoint), queueUrl, { expected: accepted + 1, idleReceives: 2 });
    expect(messages).toHaveLength(accepted);
  }, 180_000);
});
