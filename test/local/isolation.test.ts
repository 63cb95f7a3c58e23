/**
 * One handler serves many requests at once in local mode: each request has its own deadline, one
 * log line and one metric, and the local log line is safe to print whatever a stranger sends.
 * Local mode's servers answer only local tools: a web page's forged requests change and read nothing.
 */
import type { AddressInfo } from 'node:net';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { LOCAL_SETTINGS as SETTINGS } from '../../functions/runtime/local-aws';
import { localS3Client, localSqsClient } from '../../functions/runtime/local-aws';
import { startEmbeddedSecrets } from '../../local/embedded-secrets';
import { createWebhookServer, lambdaContext, logLine, refuseStrangers, type RequestLog } from '../../local/webhook-server';
import { baseAlert } from '../../scripts/sample-alerts';
import { CROSS_SITE_FORM, rawRequest, rebindingHost } from '../support/browser-request';
import { startLocalMode, stopAll, type RunningProcess } from '../support/processes';
import { drainQueue } from '../support/queue';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { AUTH_HEADERS, invoke, loadHandler, startTestServers, TEST_SECRET, type TestServers } from '../support/handler';
import { postBody } from '../support/http';

let servers: TestServers;
let proxy: FaultProxy;
let settings: Record<string, string>;

beforeAll(async () => {
  servers = await startTestServers();
  proxy = await startFaultProxy(servers.sqs['SQS endpoint']!);
  settings = {
    QUEUE_URL: servers.sqs['Queue URL']!,
    AWS_ENDPOINT_URL_SQS: proxy.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: servers.secretsEndpoint,
  };
});
afterAll(async () => {
  await proxy.close();
  await servers.stop();
});

/** The test secret's check (these bodies are small: the handler itself decides on them). */
const refuseStranger = refuseStrangers('X-Panther-Webhook-Secret', async () => [TEST_SECRET]);

const alert = (alertId: string) => Buffer.from(JSON.stringify(baseAlert({ alertId })));

/** Captures what the receiver writes to stdout (its request log) while `work` runs. */
async function loggedDuring<T>(work: () => Promise<T>): Promise<{ value: T; records: Array<Record<string, unknown>> }> {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => lines.push(String(chunk)) > 0);
  try {
    const value = await work();
    return {
      value,
      records: lines
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
    };
  } finally {
    spy.mockRestore();
  }
}

describe('concurrent requests through one handler', () => {
  it("one request's deadline cuts only that request; every request logs exactly one line and one metric", async () => {
    proxy.chooseBy((body) => (body.includes('stuck') ? 'hang' : 'slow'));
    try {
      const handler = loadHandler({ ...settings, REQUEST_LOG: 'json' });
      const { value: statuses, records } = await loggedDuring(() =>
        Promise.all([
          invoke(handler, alert('stuck'), lambdaContext(1_500)).then((r) => r.statusCode),
          ...Array.from({ length: 8 }, (_, n) => invoke(handler, alert(`healthy-${n}`), lambdaContext(10_000)).then((r) => r.statusCode)),
        ]),
      );
      expect(statuses).toEqual([503, ...Array(8).fill(200)]);
      expect(records).toHaveLength(9);
      expect(records.filter((r) => r.reason === 'timeout')).toEqual([
        expect.objectContaining({ alertId: 'stuck', status: 503, EnqueueFailures: 1 }),
      ]);
      for (const record of records) {
        const metrics = (record._aws as { CloudWatchMetrics: Array<{ Metrics: unknown[] }> }).CloudWatchMetrics;
        expect(metrics).toHaveLength(1);
        expect(metrics[0]!.Metrics).toHaveLength(1);
      }
    } finally {
      proxy.chooseBy(undefined);
    }
  }, 30_000);

  it('serves 64 connections at once through the local server without a listener-leak warning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    const server = createWebhookServer({ handler: loadHandler(settings), refuseStranger });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
    try {
      const answers = await Promise.all(Array.from({ length: 64 }, (_, n) => postBody(url, alert(`wide-${n}`), AUTH_HEADERS)));
      expect(answers.map((a) => a.status)).toEqual(Array(64).fill(200));
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      server.closeAllConnections();
      server.close();
    }
  }, 30_000);
});

describe('the local log line', () => {
  /** What the server reports for one request, with a stand-in handler answering `status`. */
  async function reported(status: number, path: string, body: string): Promise<RequestLog> {
    let entry: RequestLog | undefined;
    const server = createWebhookServer({
      handler: async () => ({ statusCode: status, body: '{}' }),
      refuseStranger,
      onRequest: (logged) => {
        entry = logged;
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await postBody(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, body);
      await new Promise((resolve) => setTimeout(resolve, 20));
      return entry!;
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }

  it("never reads a refused request's body, and omits the query string", async () => {
    const forged = JSON.stringify({ alertId: 'FORGED', severity: 'CRITICAL' });
    const entry = await reported(401, '/alerts?token=abc', forged);
    expect(entry).toEqual({ method: 'POST', path: '/alerts', statusCode: 401, milliseconds: expect.any(Number) });
    expect(logLine(entry)).not.toContain('token');
  });

  it('escapes control characters from an accepted alert, so a body cannot forge lines or drive the terminal', async () => {
    const entry = await reported(
      200,
      '/alerts',
      JSON.stringify(baseAlert({ alertId: 'x\u001b[2J\n2026-01-01T00:00:00.000Z POST /alerts 200 alert=FORGED' })),
    );
    const line = logLine(entry);
    expect(line.split('\n')).toHaveLength(1);
    expect(line).not.toMatch(/[\u0000-\u001f]/);
    expect(line).toContain('alert="x\\u001b[2J\\n2026');
  });
});

describe('local mode answers only local tools', () => {
  let local: RunningProcess;
  beforeAll(async () => {
    local = await startLocalMode({ LOCAL_ROUTES: JSON.stringify([{ name: 'paging', severities: ['CRITICAL'] }]) });
  }, 60_000);
  afterAll(stopAll);

  const endpoint = () => local.printed['SQS endpoint']!;
  const inboxArn = 'arn:aws:sqs:us-east-1:000000000000:panther-inbox';
  const topicArn = 'arn:aws:sns:us-east-1:000000000000:forged';
  /** The three form POSTs that, unguarded, put a CRITICAL alert through the inbox onto every queue and the archive. */
  const forgedSns = [
    new URLSearchParams({ Action: 'CreateTopic', Name: 'forged' }),
    new URLSearchParams({
      Action: 'Subscribe',
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: inboxArn,
      'Attributes.entry.1.key': 'RawMessageDelivery',
      'Attributes.entry.1.value': 'true',
    }),
    new URLSearchParams({
      Action: 'Publish',
      TopicArn: topicArn,
      Message: JSON.stringify(baseAlert({ alertId: 'FORGED', severity: 'CRITICAL' })),
    }),
  ].map(String);

  it('refuses the forged SNS form POSTs a page sends cross-site, and a form without browser headers too', async () => {
    // All sent before any check, so that unguarded the Publish would land (the next tests look for it).
    const asBrowser = [];
    const bare = [];
    for (const body of forgedSns) {
      asBrowser.push(await rawRequest(`${endpoint()}/`, 'POST', CROSS_SITE_FORM, body));
      bare.push(await rawRequest(`${endpoint()}/`, 'POST', { 'content-type': CROSS_SITE_FORM['content-type'] }, body));
    }
    expect(asBrowser).toEqual(forgedSns.map(() => ({ status: 403, body: expect.stringContaining("browser's Origin header") })));
    expect(bare).toEqual(forgedSns.map(() => ({ status: 403, body: expect.stringContaining('form body') })));
  });

  it('refuses a rebinding page (its Host) reading the archive or a queue, and any Sec-Fetch request', async () => {
    const archiveList = `${endpoint()}/${SETTINGS.localArchiveBucket}?list-type=2`;
    expect((await rawRequest(archiveList, 'GET', { host: rebindingHost(endpoint()) })).status).toBe(403);
    const receive = JSON.stringify({ QueueUrl: local.printed['Queue URL'], MaxNumberOfMessages: 10 });
    const sqsJson = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ReceiveMessage' };
    const rebound = await rawRequest(`${endpoint()}/`, 'POST', { ...sqsJson, host: rebindingHost(endpoint()) }, receive);
    expect(rebound).toEqual({ status: 403, body: expect.stringContaining('evil.example') });
    const fetchMetadataOfPages: Array<Record<string, string>> = [{ 'sec-fetch-site': 'same-origin' }, { 'sec-fetch-mode': 'no-cors' }];
    for (const fetchMetadata of fetchMetadataOfPages) {
      expect((await rawRequest(`${endpoint()}/`, 'POST', { ...sqsJson, ...fetchMetadata }, receive)).status).toBe(403);
    }
    // From a tool (no browser header) addressed to a loopback name, through a forwarder's port too, it is served.
    for (const host of [`localhost:${new URL(endpoint()).port}`, 'sqs.us-east-1.localhost:1', '127.0.0.1:1']) {
      expect((await rawRequest(`${endpoint()}/`, 'POST', { ...sqsJson, host }, receive)).status).toBe(200);
    }
    for (const host of ['127.0.0.1.evil.example', 'localhost.evil.example:80', '[::1]:1']) {
      expect((await rawRequest(`${endpoint()}/`, 'POST', { ...sqsJson, host }, receive)).status).toBe(403);
    }
    // And addressed as printed.
    expect((await rawRequest(`${endpoint()}/`, 'POST', sqsJson, receive)).status).toBe(200);
  });

  it('refuses a page posting to the webhook, even with the secret', async () => {
    const url = local.printed['Webhook URL']!;
    const [name, value] = [local.printed.Header!.split(': ')[0]!, local.printed.Header!.split(': ')[1]!];
    const alertBody = JSON.stringify(baseAlert({ alertId: 'FORGED-WEBHOOK' }));
    const headers = { 'content-type': 'text/plain', [name]: value };
    expect((await rawRequest(url, 'POST', { ...headers, origin: 'https://evil.example' }, alertBody)).status).toBe(403);
    expect((await rawRequest(url, 'POST', { ...headers, host: rebindingHost(url) }, alertBody)).status).toBe(403);
  });

  it('queued, archived and routed nothing of the forgeries, while the SDK (a tool) still goes through the inbox', async () => {
    const sqs = localSqsClient(endpoint());
    await sqs.send(
      new SendMessageCommand({ QueueUrl: local.printed['Inbox queue URL'], MessageBody: JSON.stringify(baseAlert({ alertId: 'REAL' })) }),
    );
    // The inbox processor forwards it in the background: wait for it, then for anything else that came.
    const delivered = await drainQueue(sqs, local.printed['Queue URL']!, { expected: 1, maxMs: 20_000 });
    delivered.push(...(await drainQueue(sqs, local.printed['Queue URL']!, { idleReceives: 1 })));
    expect(delivered.map((message) => JSON.parse(message.Body!).alertId)).toEqual(['REAL']);
    expect(await drainQueue(sqs, local.printed['Route paging queue URL']!, { idleReceives: 1 })).toEqual([]);
    expect(await drainQueue(sqs, local.printed['Quarantine queue URL']!, { idleReceives: 1 })).toEqual([]);
    const archived = await localS3Client(endpoint()).send(new ListObjectsV2Command({ Bucket: SETTINGS.localArchiveBucket }));
    expect((archived.Contents ?? []).map((object) => object.Key).filter((key) => key?.includes('FORGED'))).toEqual([]);
    expect(local.output.join('\n')).not.toContain('FORGED');
  }, 30_000);

  it('logs a quarantined request with the reason the receiver gave (after the checks above: it queues)', async () => {
    const [name, value] = [local.printed.Header!.split(': ')[0]!, local.printed.Header!.split(': ')[1]!];
    const answer = await postBody(local.printed['Webhook URL']!, JSON.stringify({ not: 'an alert' }), { [name]: value });
    expect(answer.status).toBe(202);
    const { error } = JSON.parse(answer.body) as { error: string };
    expect(error.length).toBeGreaterThan(0);
    const deadline = Date.now() + 5_000;
    while (!local.output.some((line) => / POST \/alerts 202 /.test(line)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const logged = local.output.find((line) => / POST \/alerts 202 /.test(line));
    expect(logged).toContain(` reason=${JSON.stringify(error)} `);
  });

  it('has its Secrets Manager stand-in refuse a page and a rebinding Host, and serve the SDK', async () => {
    const secrets = await startEmbeddedSecrets({ 'local/secret': 'value' });
    try {
      const get = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' };
      const body = JSON.stringify({ SecretId: 'local/secret' });
      const page = await rawRequest(
        secrets.endpoint,
        'POST',
        { ...get, 'content-type': 'text/plain', origin: 'https://evil.example' },
        body,
      );
      const rebound = await rawRequest(secrets.endpoint, 'POST', { ...get, host: rebindingHost(secrets.endpoint) }, body);
      const tool = await rawRequest(secrets.endpoint, 'POST', get, body);
      expect([page.status, rebound.status, tool.status]).toEqual([403, 403, 200]);
      expect(`${page.body}${rebound.body}`).not.toContain('value');
      expect(secrets.reads()).toBe(1);
    } finally {
      await secrets.stop();
    }
  });
});
