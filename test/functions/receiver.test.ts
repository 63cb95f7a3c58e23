/**
 * The Lambda handler, in process, against a real fauxqs server over HTTP. Failures come from real
 * sockets too: a closed port (SQS unreachable), a server that never answers, a queue that does not exist.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { localSqsClient } from '../../local/embedded-sqs';
import { lambdaContext } from '../../local/webhook-server';
import { baseAlert } from '../corpus/panther-payloads';
import { expectCorpusDelivered } from '../support/corpus-delivery';
import { invoke, loadHandler, type Handler } from '../support/handler';
import { blackHole, closedPort } from '../support/network';
import { startSqsServer, stopAll, type RunningProcess } from '../support/processes';
import { drainQueue } from '../support/queue';

let sqsServer: RunningProcess;
let endpoint: string;
let queueUrl: string;

beforeAll(async () => {
  sqsServer = await startSqsServer();
  endpoint = sqsServer.printed['SQS endpoint']!;
  queueUrl = sqsServer.printed['Queue URL']!;
});
afterAll(stopAll);

describe('receiver handler against a real SQS server', () => {
  let handler: Handler;
  beforeAll(() => {
    handler = loadHandler({ QUEUE_URL: queueUrl, AWS_ENDPOINT_URL_SQS: endpoint });
  });

  it('answers 200 for every valid payload, queued byte for byte with routing attributes; 400/413 and nothing queued for the rest', async () => {
    await expectCorpusDelivered(
      async (body) => {
        const result = await invoke(handler, body);
        expect(result.headers?.['content-type']).toBe('application/json');
        return { status: result.statusCode, body: result.body };
      },
      localSqsClient(endpoint),
      queueUrl,
    );
  });

  it('answers 500, never 2xx, when the event itself is malformed', async () => {
    const event = { body: 42, isBase64Encoded: true } as unknown as APIGatewayProxyEvent;
    const result = await handler(event, lambdaContext());
    expect(result.statusCode).toBe(500);
  });
});

describe('receiver handler when SQS fails', () => {
  it('answers 503 when nothing listens at the SQS endpoint', async () => {
    const handler = loadHandler({ QUEUE_URL: queueUrl, AWS_ENDPOINT_URL_SQS: `http://127.0.0.1:${await closedPort()}` });
    const result = await invoke(handler, Buffer.from(JSON.stringify(baseAlert())));
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body)).toEqual({ error: 'queue unreachable; retry later' });
  });

  it('answers 502 when SQS refuses the message (the queue does not exist)', async () => {
    const handler = loadHandler({ QUEUE_URL: `${queueUrl}-missing`, AWS_ENDPOINT_URL_SQS: endpoint });
    const result = await invoke(handler, Buffer.from(JSON.stringify(baseAlert())));
    expect(result.statusCode).toBe(502);
  });

  it('answers 503 before the Lambda timeout when SQS never answers', async () => {
    const hole = await blackHole();
    try {
      const handler = loadHandler({ QUEUE_URL: queueUrl, AWS_ENDPOINT_URL_SQS: hole.endpoint });
      const started = Date.now();
      // 1.5 s left: middy answers 1 s before the deadline, long before the SDK's own timeouts.
      const result = await invoke(handler, Buffer.from(JSON.stringify(baseAlert())), lambdaContext(1_500));
      expect(result.statusCode).toBe(503);
      expect(Date.now() - started).toBeLessThan(1_400);
    } finally {
      await hole.close();
    }
  });

  it('honours the generic AWS_ENDPOINT_URL too', async () => {
    const handler = loadHandler({ QUEUE_URL: queueUrl, AWS_ENDPOINT_URL: endpoint });
    const result = await invoke(handler, Buffer.from(JSON.stringify(baseAlert())));
    expect(result.statusCode).toBe(200);
    expect(await drainQueue(localSqsClient(endpoint), queueUrl, { expected: 1 })).toHaveLength(1);
  });

  it('fails the cold start when QUEUE_URL is missing or not a URL', () => {
    expect(() => loadHandler({ QUEUE_URL: undefined })).toThrow(/QUEUE_URL/);
    expect(() => loadHandler({ QUEUE_URL: 'panther-alerts' })).toThrow(/QUEUE_URL/);
  });
});
