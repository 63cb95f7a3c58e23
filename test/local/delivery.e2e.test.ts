/**
 * End to end, as Panther would use it: local mode (`npm start`'s program, the real handler) on free
 * ports, real HTTP, a real fauxqs server. Faults are real too: the SQS endpoint taken down through a
 * loopback proxy, or the SQS process killed by PID. Every loop here is bounded and stops by itself.
 */
import autocannon from 'autocannon';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { localSqsClient } from '../../functions/runtime/local-aws';
import { baseAlert, distinctAlerts, INVALID_CASES } from '../corpus/panther-payloads';
import { expectCorpusDelivered } from '../support/corpus-delivery';
import { postBody } from '../support/http';
import { startFaultProxy } from '../support/fault-proxy';
import { faultProxy, freeStablePort } from '../support/network';
import { deliverLikePanther, inParallel } from '../support/panther-client';
import { authHeaderOf, startLocalMode, startSqsServer, stopAll, type RunningProcess } from '../support/processes';
import { attributesOf, drainQueue } from '../support/queue';

/** Closed after each test, with the processes it started, so ports and handles never leak. */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await stopAll();
});

const alertIdOf = (body: string) => (JSON.parse(body) as { alertId: string }).alertId;
const portOf = (endpoint: string) => Number(new URL(endpoint).port);

/** Local mode in front of an SQS server of the test's own, reached through a fault proxy. */
async function localModeBehindProxy(sqsServer: RunningProcess) {
  const proxy = await faultProxy(portOf(sqsServer.printed['SQS endpoint']!));
  cleanups.push(proxy.close);
  const local = await startLocalMode({
    QUEUE_URL: sqsServer.printed['Queue URL'],
    INVALID_PAYLOADS: 'reject',
    AWS_ENDPOINT_URL_SQS: proxy.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  return { proxy, local, webhook: local.printed['Webhook URL']!, auth: authHeaderOf(local) };
}

async function queuedAlertIds(sqs: SQSClient, queueUrl: string, expected: number): Promise<string[]> {
  const messages = await drainQueue(sqs, queueUrl, { expected: expected + 1, idleReceives: 2 });
  return messages.map((m) => alertIdOf(m.Body!));
}

describe('local mode end to end', () => {
  it('answers every corpus case as the handler does and queues exactly the valid ones (reject mode)', async () => {
    const local = await startLocalMode({ INVALID_PAYLOADS: 'reject' });
    const webhook = local.printed['Webhook URL']!;
    const auth = authHeaderOf(local);
    await expectCorpusDelivered(
      (body) => postBody(webhook, body, auth),
      localSqsClient(local.printed['SQS endpoint']!),
      local.printed['Queue URL']!,
    );
  });

  it('quarantines every invalid corpus case (quarantine mode, the default) and lets no stranger in', async () => {
    const local = await startLocalMode();
    const webhook = local.printed['Webhook URL']!;
    const auth = authHeaderOf(local);
    const sqs = localSqsClient(local.printed['SQS endpoint']!);
    const quarantinable = INVALID_CASES.filter((c) => c.body.length > 0);
    for (const c of quarantinable) {
      const answer = await postBody(webhook, c.body, auth);
      expect({ name: c.name, status: answer.status }).toEqual({ name: c.name, status: 202 });
      expect(JSON.parse(answer.body)).toMatchObject({ status: 'quarantined', error: expect.any(String) });
    }
    for (const headers of [{}, { [Object.keys(auth)[0]!]: 'not-the-secret' }]) {
      expect((await postBody(webhook, JSON.stringify(baseAlert()), headers)).status).toBeGreaterThanOrEqual(401);
    }
    const quarantined = await drainQueue(sqs, local.printed['Quarantine queue URL']!, { expected: quarantinable.length + 1 });
    expect(quarantined).toHaveLength(quarantinable.length);
    for (const message of quarantined) {
      const attributes = attributesOf(message);
      expect(['not-utf8', 'not-json', 'not-an-alert']).toContain(attributes.reason);
      const original = attributes.encoding === 'base64' ? Buffer.from(message.Body!, 'base64') : Buffer.from(message.Body!, 'utf8');
      expect(quarantinable.some((c) => c.body.equals(original))).toBe(true);
    }
    expect(await drainQueue(sqs, local.printed['Queue URL']!, { idleReceives: 1 })).toEqual([]);
  });

  it('in a storm (3,000 distinct alerts, 64 connections, every SQS call slowed by 50 ms) queues every acknowledged alert exactly once', async () => {
    const sqsServer = await startSqsServer();
    const slowSqs = await startFaultProxy(sqsServer.printed['SQS endpoint']!, { slowMs: 50 });
    slowSqs.plan([], 'slow');
    cleanups.push(slowSqs.close);
    const local = await startLocalMode({
      QUEUE_URL: sqsServer.printed['Queue URL'],
      QUARANTINE_QUEUE_URL: sqsServer.printed['Quarantine queue URL'],
      AWS_ENDPOINT_URL_SQS: slowSqs.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    const auth = authHeaderOf(local);
    const bodies = distinctAlerts(3_000, 'storm');
    let next = 0;
    const acknowledged = new Set<string>();
    const statuses: number[] = [];
    const result = await autocannon({
      url: local.printed['Webhook URL']!,
      connections: 64,
      amount: bodies.length,
      timeout: 30,
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => ({
            ...request,
            headers: { 'content-type': 'application/json', ...auth },
            body: bodies[next++ % bodies.length],
          }),
          onResponse: (status, body) => {
            statuses.push(status);
            if (status === 200) acknowledged.add((JSON.parse(body) as { messageId: string }).messageId);
          },
        },
      ],
    });
    expect(result.errors).toBe(0);
    expect(statuses).toHaveLength(bodies.length);
    expect(statuses.every((s) => s === 200)).toBe(true);

    const messages = await drainQueue(localSqsClient(sqsServer.printed['SQS endpoint']!), sqsServer.printed['Queue URL']!, {
      expected: bodies.length + 1,
      idleReceives: 2,
    });
    // Exactly once: one message per acknowledgement, each distinct alert once, none missing.
    expect(messages).toHaveLength(acknowledged.size);
    expect(new Set(messages.map((m) => m.MessageId)).size).toBe(acknowledged.size);
    for (const m of messages) expect(acknowledged.has(m.MessageId!)).toBe(true);
    expect(new Set(messages.map((m) => alertIdOf(m.Body!)))).toEqual(new Set(bodies.map(alertIdOf)));
  }, 120_000);

  it('delivers every alert at least once to a Panther-like client while SQS keeps dropping out', async () => {
    const sqsServer = await startSqsServer();
    const { proxy, webhook, auth } = await localModeBehindProxy(sqsServer);
    const bodies = distinctAlerts(240, 'flaky');
    const pause = (min: number, max: number) => new Promise((r) => setTimeout(r, min + Math.random() * (max - min)));

    // Chaos: SQS down for 100–200 ms, then up for 300–600 ms, until the deliveries end (bounded: 60 s).
    let delivering = true;
    const chaos = (async () => {
      const deadline = Date.now() + 60_000;
      while (delivering && Date.now() < deadline) {
        await proxy.down();
        await pause(100, 200);
        await proxy.up();
        await pause(300, 600);
      }
    })();
    // Paced like a stream of alerts (about 2 s in all), so it spans several outages.
    const deliveries = await inParallel(bodies, 8, async (body) => {
      await pause(40, 80);
      return deliverLikePanther(webhook, body, auth);
    });
    delivering = false;
    await chaos;
    await proxy.up();

    expect(deliveries.filter((d) => !d.delivered)).toEqual([]);
    // The faults were real: some attempts failed and were retried.
    expect(deliveries.some((d) => d.attempts.length > 1)).toBe(true);
    for (const d of deliveries) expect(d.attempts.slice(0, -1).every((s) => s === 0 || s >= 500)).toBe(true);

    const queued = await queuedAlertIds(localSqsClient(sqsServer.printed['SQS endpoint']!), sqsServer.printed['Queue URL']!, bodies.length);
    expect(new Set(queued)).toEqual(new Set(bodies.map(alertIdOf)));
  }, 120_000);

  it('answers 5xx, never 2xx, while SQS is down mid-stream, recovers when it is back, and loses nothing acknowledged', async () => {
    const sqsServer = await startSqsServer();
    const { proxy, webhook, auth } = await localModeBehindProxy(sqsServer);
    const bodies = distinctAlerts(300, 'outage');

    let downSince = Infinity;
    let upAgainAt = Infinity;
    const answers: Array<{ body: string; status: number; sentAt: number; answeredAt: number; messageId?: string }> = [];
    let sent = 0;
    await inParallel(bodies, 8, async (body) => {
      const position = sent++;
      if (position === 100) {
        await proxy.down();
        downSince = Date.now();
      }
      if (position === 200) {
        upAgainAt = Date.now();
        await proxy.up();
      }
      const sentAt = Date.now();
      const answer = await postBody(webhook, body, auth);
      const messageId = answer.status === 200 ? (JSON.parse(answer.body) as { messageId: string }).messageId : undefined;
      answers.push({ body, status: answer.status, sentAt, answeredAt: Date.now(), messageId });
    });

    const whileDown = answers.filter((a) => a.sentAt >= downSince && a.answeredAt < upAgainAt);
    expect(whileDown.length).toBeGreaterThan(50);
    expect(whileDown.every((a) => a.status >= 500)).toBe(true);
    const afterUp = answers.filter((a) => a.sentAt > upAgainAt);
    expect(afterUp.length).toBeGreaterThan(50);
    expect(afterUp.every((a) => a.status === 200)).toBe(true);

    const acknowledged = answers.filter((a) => a.status === 200);
    const messages = await drainQueue(localSqsClient(sqsServer.printed['SQS endpoint']!), sqsServer.printed['Queue URL']!, {
      expected: bodies.length + 1,
      idleReceives: 2,
    });
    const queuedIds = new Set(messages.map((m) => m.MessageId));
    expect(acknowledged.filter((a) => !queuedIds.has(a.messageId))).toEqual([]);
  }, 120_000);

  it('answers 5xx while the SQS process is killed (by PID) and 200 again once a new one runs on its port', async () => {
    const sqsPort = await freeStablePort();
    const first = await startSqsServer(sqsPort);
    const local = await startLocalMode({
      QUEUE_URL: first.printed['Queue URL'],
      INVALID_PAYLOADS: 'reject',
      AWS_ENDPOINT_URL_SQS: first.printed['SQS endpoint'],
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    const webhook = local.printed['Webhook URL']!;
    const auth = authHeaderOf(local);
    const [before, during, after] = [distinctAlerts(20, 'before'), distinctAlerts(20, 'during'), distinctAlerts(20, 'after')];

    const post = (bodies: string[]) => inParallel(bodies, 4, (body) => postBody(webhook, body, auth));
    expect((await post(before)).map((a) => a.status)).toEqual(before.map(() => 200));
    expect(await drainQueue(localSqsClient(first.printed['SQS endpoint']!), first.printed['Queue URL']!, { expected: 20 })).toHaveLength(
      20,
    );

    await first.stop('SIGKILL');
    const whileDead = await post(during);
    expect(whileDead.filter((a) => a.status < 500)).toEqual([]);

    const second = await startSqsServer(sqsPort);
    expect(second.printed['Queue URL']).toBe(first.printed['Queue URL']);
    expect((await post(after)).map((a) => a.status)).toEqual(after.map(() => 200));
    const queued = await queuedAlertIds(localSqsClient(second.printed['SQS endpoint']!), second.printed['Queue URL']!, after.length);
    expect(new Set(queued)).toEqual(new Set(after.map(alertIdOf)));
  }, 120_000);
});
