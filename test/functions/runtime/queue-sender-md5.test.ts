/**
 * The functions' SQS client does not MD5-check SendMessage answers against the body it sent (TLS and
 * SigV4 protect the exchange; the check hashed every alert's whole body once more). A loopback SQS that
 * answers with a wrong MD5OfMessageBody is taken at its word; the SDK's default client, with the check,
 * refuses the same answer, so the test would fail if the option were dropped.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../functions/runtime/local-aws';
import { createQueueSender, createSqsClient } from '../../../functions/runtime/queue-sender';

let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      res
        .writeHead(200, { 'content-type': 'application/x-amz-json-1.0' })
        .end(JSON.stringify({ MessageId: 'm-1', MD5OfMessageBody: '0'.repeat(32) })),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const target = () => ({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
const attributes = { severity: 'LOW', type: 'RULE', detectionId: 'd', dedupKey: 'k' };

it('the functions’ client takes an answer whose MD5 does not match the body', async () => {
  const send = createQueueSender(createSqsClient(target()));
  expect(await send(`${endpoint}/000000000000/q`, '{"alert":1}', attributes)).toEqual({ ok: true, messageId: 'm-1' });
});

it('the SDK’s default client refuses that answer (what the option turns off)', async () => {
  const sdk = new SQSClient({ ...target(), useQueueUrlAsEndpoint: false, maxAttempts: 1 });
  await expect(sdk.send(new SendMessageCommand({ QueueUrl: `${endpoint}/000000000000/q`, MessageBody: '{"alert":1}' }))).rejects.toThrow(
    /MD5|checksum/i,
  );
  sdk.destroy();
});
