/**
 * One handler serves many requests at once in local mode: each request has its own deadline, one
 * log line and one metric, and the local log line is safe to print whatever a stranger sends.
 */
import type { AddressInfo } from 'node:net';
import { createWebhookServer, lambdaContext, logLine, refuseStrangers, type RequestLog } from '../../local/webhook-server';
import { baseAlert } from '../../scripts/sample-alerts';
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
