/**
 * The Lambda handler, in process, against a real fauxqs server over HTTP. Failures come from real
 * sockets too: a closed port (SQS unreachable), a server that never answers, a queue that does not exist.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { localSqsClient } from '../../local/embedded-sqs';
import { lambdaContext, toProxyEvent } from '../../local/webhook-server';
import { baseAlert, INVALID_CASES, pantherExamples, TOO_LARGE_CASES, VALID_CASES } from '../corpus/panther-payloads';
import { blackHole, closedPort } from '../support/network';
import { startSqsServer, stopAll, type RunningProcess } from '../support/processes';
import { attributesOf, drainQueue } from '../support/queue';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

let sqsServer: RunningProcess;
let endpoint: string;
let queueUrl: string;

/**
 * Loads the handler module afresh under the given environment, as a cold start would. The
 * environment stays set: the SDK reads region, credentials and endpoint at its first send.
 */
function loadHandler(env: Record<string, string | undefined>): Handler {
  const settings: Record<string, string | undefined> = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL: undefined,
    AWS_ENDPOINT_URL_SQS: undefined,
    ...env,
  };
  for (const [name, value] of Object.entries(settings)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  let handler: Handler | undefined;
  jest.isolateModules(() => {
    handler = (require('../../functions/receiver') as { handler: Handler }).handler;
  });
  return handler!;
}

const post = (handler: Handler, body: Buffer, context: Context = lambdaContext()) =>
  handler(toProxyEvent({ method: 'POST', path: '/alerts', rawHeaders: ['Content-Type', 'application/json'], body }), context);

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

  it('answers 200 for every valid payload and queues its exact bytes with routing attributes', async () => {
    const cases = [...pantherExamples(), ...VALID_CASES];
    const messageIds = new Map<string, Buffer>();
    for (const c of cases) {
      const result = await post(handler, c.body);
      expect({ name: c.name, status: result.statusCode }).toEqual({ name: c.name, status: 200 });
      expect(result.headers?.['content-type']).toBe('application/json');
      const answer = JSON.parse(result.body) as { status: string; messageId: string };
      expect(answer.status).toBe('queued');
      messageIds.set(answer.messageId, c.body);
    }

    const messages = await drainQueue(localSqsClient(endpoint), queueUrl, { expected: cases.length });
    expect(messages).toHaveLength(cases.length);
    for (const message of messages) {
      const sent = messageIds.get(message.MessageId!);
      expect(sent).toBeDefined();
      const alert = JSON.parse(sent!.toString('utf8')) as Record<string, unknown>;
      if (!sent!.toString('utf8').includes('\uffff')) expect(Buffer.from(message.Body!, 'utf8').equals(sent!)).toBe(true);
      const attributes = attributesOf(message);
      expect(attributes.severity).toBe(alert.severity);
      expect(attributes.type).toBe(alert.type);
      expect(attributes.detectionId).toBeDefined();
      if (typeof alert.alertId === 'string' && alert.alertId) expect(attributes.alertId).toBe(alert.alertId);
      else expect(attributes).not.toHaveProperty('alertId');
    }
  });

  it('answers 400 (with a JSON error) or 413 for everything else, and queues nothing', async () => {
    for (const c of [...INVALID_CASES, ...TOO_LARGE_CASES]) {
      const result = await post(handler, c.body);
      expect({ name: c.name, status: result.statusCode }).toEqual({ name: c.name, status: c.status });
      expect(typeof (JSON.parse(result.body) as { error: unknown }).error).toBe('string');
    }
    expect(await drainQueue(localSqsClient(endpoint), queueUrl, { idleReceives: 1 })).toHaveLength(0);
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
    const result = await post(handler, Buffer.from(JSON.stringify(baseAlert())));
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body)).toEqual({ error: 'queue unreachable; retry later' });
  });

  it('answers 502 when SQS refuses the message (the queue does not exist)', async () => {
    const handler = loadHandler({ QUEUE_URL: `${queueUrl}-missing`, AWS_ENDPOINT_URL_SQS: endpoint });
    const result = await post(handler, Buffer.from(JSON.stringify(baseAlert())));
    expect(result.statusCode).toBe(502);
  });

  it('answers 503 before the Lambda timeout when SQS never answers', async () => {
    const hole = await blackHole();
    try {
      const handler = loadHandler({ QUEUE_URL: queueUrl, AWS_ENDPOINT_URL_SQS: hole.endpoint });
      const started = Date.now();
      // 1.5 s left: middy answers 1 s before the deadline, long before the SDK's own timeouts.
      const result = await post(handler, Buffer.from(JSON.stringify(baseAlert())), lambdaContext(1_500));
      expect(result.statusCode).toBe(503);
      expect(Date.now() - started).toBeLessThan(1_400);
    } finally {
      await hole.close();
    }
  });

  it('honours the generic AWS_ENDPOINT_URL too', async () => {
    const handler = loadHandler({ QUEUE_URL: queueUrl, AWS_ENDPOINT_URL: endpoint });
    const result = await post(handler, Buffer.from(JSON.stringify(baseAlert())));
    expect(result.statusCode).toBe(200);
    expect(await drainQueue(localSqsClient(endpoint), queueUrl, { expected: 1 })).toHaveLength(1);
  });

  it('fails the cold start when QUEUE_URL is missing or not a URL', () => {
    expect(() => loadHandler({ QUEUE_URL: undefined })).toThrow(/QUEUE_URL/);
    expect(() => loadHandler({ QUEUE_URL: 'panther-alerts' })).toThrow(/QUEUE_URL/);
  });
});
