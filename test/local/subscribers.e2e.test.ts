/** Routes, FIFO de-duplication and queue stats end to end: local mode, real HTTP, real fauxqs. */
import { localSqsClient } from '../../functions/runtime/local-aws';
import { baseAlert } from '../../scripts/sample-alerts';
import { postBody } from '../support/http';
import { cli } from '../support/cli';
import { authHeaderOf, startLocalMode, stopAll, untilPrinted } from '../support/processes';
import { attributesOf, drainQueue } from '../support/queue';

afterEach(stopAll);

const routes = JSON.stringify([{ name: 'paging', severities: ['HIGH', 'CRITICAL'] }]);

describe('fan-out routes', () => {
  it('puts an alert matching a route on the route queue and the alert queue, and a non-matching one only on the alert queue', async () => {
    const local = await startLocalMode({ LOCAL_ROUTES: routes });
    const auth = authHeaderOf(local);
    const sqs = localSqsClient(local.printed['SQS endpoint']!);
    const high = JSON.stringify(baseAlert({ severity: 'HIGH', alertId: 'high-1' }));
    const low = JSON.stringify(baseAlert({ severity: 'LOW', alertId: 'low-1' }));
    for (const body of [high, low]) expect((await postBody(local.printed['Webhook URL']!, body, auth)).status).toBe(200);

    const onQueue = await drainQueue(sqs, local.printed['Queue URL']!, { expected: 3 });
    expect(onQueue.map((m) => m.Body).sort()).toEqual([high, low].sort());
    const onRoute = await drainQueue(sqs, local.printed['Route paging queue URL']!, { expected: 2 });
    expect(onRoute.map((m) => m.Body)).toEqual([high]);
    expect(attributesOf(onRoute[0]!)).toMatchObject({ severity: 'HIGH', alertId: 'high-1' });
  });
});

describe('FIFO mode', () => {
  it('delivers an identical body posted twice once, and a "[Re-sent]" body as a new alert', async () => {
    const local = await startLocalMode({ FIFO: 'true' });
    const auth = authHeaderOf(local);
    const original = JSON.stringify(baseAlert({ title: 'New Alert: Root account activity' }));
    const resent = JSON.stringify(baseAlert({ title: '[Re-sent]: New Alert: Root account activity' }));
    const answers = [];
    for (const body of [original, original, resent, resent]) answers.push(await postBody(local.printed['Webhook URL']!, body, auth));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);

    const messages = await drainQueue(localSqsClient(local.printed['SQS endpoint']!), local.printed['Queue URL']!, { expected: 3 });
    expect(messages.map((m) => m.Body)).toEqual([original, resent]);
    expect(new Set(messages.map((m) => attributesOf(m).dedupKey)).size).toBe(2);
  });
});

describe('tail and stats in FIFO mode with routes', () => {
  it('follow the hints npm start prints: tail finds the FIFO alert queue, tail --route the route queue, stats both', async () => {
    const local = await startLocalMode({ FIFO: 'true', LOCAL_ROUTES: routes });
    const sqsPort = new URL(local.printed['SQS endpoint']!).port;
    // The hints follow the ready lines startLocalMode waits for.
    expect(await untilPrinted(local, '  or: node cli/panther-forwarder.cjs tail --route paging')).toBe(true);
    expect(local.output).toContain('then: node cli/panther-forwarder.cjs tail      (Ctrl-C stops)');
    const critical = JSON.stringify(baseAlert({ severity: 'CRITICAL', alertId: 'fifo-critical' }));
    expect((await postBody(local.printed['Webhook URL']!, critical, authHeaderOf(local))).status).toBe(200);

    const tailed = await cli(['tail', '--max', '1', '--timeout', '20'], { SQS_PORT: sqsPort });
    expect(tailed).toMatchObject({ code: 0, stderr: expect.stringContaining('/panther-alerts.fifo') });
    expect(tailed.stdout).toContain('alertId=fifo-critical');
    const routed = await cli(['tail', '--route', 'paging', '--max', '1', '--timeout', '20'], { SQS_PORT: sqsPort });
    expect(routed).toMatchObject({ code: 0, stderr: expect.stringContaining('/panther-alerts-paging.fifo') });
    expect(routed.stdout).toContain('alertId=fifo-critical');
    const missing = await cli(['tail', '--route', 'nope', '--max', '1', '--timeout', '5'], { SQS_PORT: sqsPort });
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('is the route nope in LOCAL_ROUTES?') });

    const stats = await cli(['stats'], { SQS_PORT: sqsPort });
    expect(stats.stdout).toMatch(/panther-alerts\.fifo +0 +1 /); // in flight: tail did not delete it
    expect(stats.stdout).toMatch(/panther-alerts-paging\.fifo +0 +1 /);
  });
});

describe('stats', () => {
  it('prints approximate counts for every local queue', async () => {
    const local = await startLocalMode({ LOCAL_ROUTES: routes });
    await postBody(local.printed['Webhook URL']!, JSON.stringify(baseAlert({ severity: 'CRITICAL' })), authHeaderOf(local));
    const sqsPort = new URL(local.printed['SQS endpoint']!).port;
    const { code, stdout } = await cli(['stats'], { SQS_PORT: sqsPort });
    expect(code).toBe(0);
    const rows = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => {
          const [name, visible] = line.trim().split(/\s+/);
          return [name, Number(visible)];
        }),
    );
    expect(rows).toEqual({
      'panther-alerts': 1,
      'panther-alerts-dlq': 0,
      'panther-alerts-paging': 1,
      'panther-alerts-paging-dlq': 0,
      'panther-alerts-quarantine': 0,
    });
  });
});
