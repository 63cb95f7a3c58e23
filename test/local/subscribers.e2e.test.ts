/** Routes, FIFO de-duplication and queue stats end to end: local mode, real HTTP, real fauxqs. */
import { localS3Client, localSqsClient } from '../../functions/runtime/local-aws';
import { baseAlert } from '../../scripts/sample-alerts';
import { postBody } from '../support/http';
import { keysIn } from '../support/archive';
import { cli } from '../support/cli';
import { authHeaderOf, startLocalMode, stopAll, untilPrinted } from '../support/processes';
import { attributesOf, drainQueue } from '../support/queue';
import { partitionByIso } from '../support/utc-partition';

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

describe('tail, take and stats in FIFO mode with routes', () => {
  it('follow the hints npm start prints: tail follows the archive, take --route empties the route queue, stats shows both', async () => {
    const local = await startLocalMode({ FIFO: 'true', LOCAL_ROUTES: routes });
    const sqsPort = new URL(local.printed['SQS endpoint']!).port;
    // The hints follow the ready lines startLocalMode waits for.
    expect(await untilPrinted(local, '  or: node cli/panther-forwarder.cjs take --route paging      (removes what it prints)')).toBe(true);
    expect(local.output).toContain('then: node cli/panther-forwarder.cjs tail      (Ctrl-C stops)');
    const critical = JSON.stringify(baseAlert({ severity: 'CRITICAL', alertId: 'fifo-critical', createdAt: new Date().toISOString() }));
    expect((await postBody(local.printed['Webhook URL']!, critical, authHeaderOf(local))).status).toBe(200);

    const tailed = await cli(['tail', '--max', '1', '--timeout', '20'], { SQS_PORT: sqsPort });
    expect(tailed).toMatchObject({ code: 0, stderr: expect.stringContaining('s3://panther-alert-archive/alerts/') });
    expect(tailed.stdout).toContain('alertId=fifo-critical');
    const routed = await cli(['take', '--route', 'paging', '--max', '1', '--timeout', '20'], { SQS_PORT: sqsPort });
    expect(routed).toMatchObject({ code: 0, stderr: expect.stringContaining('/panther-alerts-paging.fifo') });
    expect(routed.stdout).toContain('alertId=fifo-critical');
    const missing = await cli(['take', '--route', 'nope', '--max', '1', '--timeout', '5'], { SQS_PORT: sqsPort });
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('is the route nope in LOCAL_ROUTES?') });

    const stats = await cli(['stats'], { SQS_PORT: sqsPort });
    expect(stats.stdout).toMatch(/panther-alerts\.fifo +1 +0 /); // tail never received it
    expect(stats.stdout).toMatch(/panther-alerts-paging\.fifo +0 +0 /); // take removed it
  });
});

describe('stats', () => {
  it('prints approximate counts for every local queue, the inbox among them, and the archive of this hour and the last', async () => {
    const local = await startLocalMode({ LOCAL_ROUTES: routes });
    // Not in an hour's last seconds: the command must count in the hour the alerts were made in (bounded wait).
    const intoHour = Date.now() % 3_600_000;
    if (intoHour > 3_600_000 - 15_000) await new Promise((resolve) => setTimeout(resolve, 3_600_000 - intoHour + 1_000));
    const now = new Date();
    const createdAt = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * 3_600_000).toISOString();
    // Two alerts created this hour, one the hour before, one two hours before (not counted).
    for (const [n, hoursAgo] of [0, 0, 1, 2].entries()) {
      const body = JSON.stringify(
        baseAlert({ severity: n === 0 ? 'CRITICAL' : 'LOW', alertId: `stats-${n}`, createdAt: createdAt(hoursAgo) }),
      );
      expect((await postBody(local.printed['Webhook URL']!, body, authHeaderOf(local))).status).toBe(200);
    }
    const sqsPort = new URL(local.printed['SQS endpoint']!).port;
    const s3 = localS3Client(local.printed['SQS endpoint']!);
    try {
      // The archive is written a moment after the answer (bounded wait).
      for (let round = 0; round < 50 && (await keysIn(s3, 'panther-alert-archive', 'alerts/')).length < 4; round += 1) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      s3.destroy();
    }
    const { code, stdout } = await cli(['stats'], { SQS_PORT: sqsPort });
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    const rows = Object.fromEntries(
      lines.slice(1, -1).map((line) => {
        const [name, visible] = line.trim().split(/\s+/);
        return [name, Number(visible)];
      }),
    );
    expect(rows).toEqual({
      'panther-alerts': 4,
      'panther-alerts-dlq': 0,
      'panther-alerts-paging': 1,
      'panther-alerts-paging-dlq': 0,
      'panther-alerts-quarantine': 0,
      'panther-inbox': 0,
      'panther-inbox-dlq': 0,
    });
    const partition = (hoursAgo: number) => partitionByIso(now.getTime() - hoursAgo * 3_600_000);
    expect(lines.at(-1)).toBe(
      `archive s3://panther-alert-archive/alerts/: 2 object(s) under ${partition(0)} (this hour), 1 under ${partition(1)}`,
    );
  });
});
