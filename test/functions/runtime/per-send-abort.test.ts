/**
 * Each SQS send keeps its own deadline although the client resolves its middleware stack once:
 * against a real fauxqs server, a server that never answers, and a fault proxy that throttles.
 */
import { getEventListeners } from 'node:events';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { type AwsClientTarget, SQS_LIMITS } from '../../../functions/runtime/aws-client-options';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../functions/runtime/local-aws';
import { abandonOnAbort } from '../../../functions/runtime/per-send-abort';
import { createQueueSender, createSqsClient } from '../../../functions/runtime/queue-sender';
import type { RoutingAttributes } from '../../../functions/core/webhook-core';
import { startFaultProxy } from '../../support/fault-proxy';
import { blackHole } from '../../support/network';
import { startSqsServer, stopAll } from '../../support/processes';
import { until } from '../../support/until';

let endpoint: string;
let queueUrl: string;

beforeAll(async () => {
  const sqsServer = await startSqsServer();
  endpoint = sqsServer.printed['SQS endpoint']!;
  queueUrl = sqsServer.printed['Queue URL']!;
});
afterAll(stopAll);

const target = (at: string): AwsClientTarget => ({ endpoint: at, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
const ATTRIBUTES: RoutingAttributes = { severity: 'HIGH', type: 'RULE', detectionId: 'Test.Detection', dedupKey: 'k' };
const abortAfter = (ms: number) => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), ms);
  return controller.signal;
};

describe('a send with its own deadline', () => {
  it('resolves the middleware stack once for many sends, each with its own signal, and delivers every one', async () => {
    const resolved = jest.spyOn(SendMessageCommand.prototype, 'resolveMiddleware');
    try {
      const send = createQueueSender(createSqsClient(target(endpoint)));
      const outcomes = await Promise.all(['a', 'b', 'c'].map((body) => send(queueUrl, body, ATTRIBUTES, new AbortController().signal)));
      expect(outcomes).toEqual([0, 1, 2].map(() => ({ ok: true, messageId: expect.any(String) })));
      expect(resolved).toHaveBeenCalledTimes(1);
    } finally {
      resolved.mockRestore();
    }
  });

  it('closes its connection when its deadline passes, long before the attempt timeout, and no other send is touched', async () => {
    const hole = await blackHole();
    try {
      const send = createQueueSender(createSqsClient(target(hole.endpoint)));
      const started = performance.now();
      const first = send(`${hole.endpoint}/000000000000/q`, 'first', ATTRIBUTES, abortAfter(200));
      let secondSettled = false;
      const second = send(`${hole.endpoint}/000000000000/q`, 'second', ATTRIBUTES, abortAfter(700)).finally(() => {
        secondSettled = true;
      });

      expect(await first).toEqual({ ok: false, failure: 'unreachable', error: 'AbortError' });
      expect(secondSettled).toBe(false);
      // The first connection is given up at its deadline: the HTTP request itself was aborted. (When
      // it closed is recorded as it happens; waiting for the record is bounded, for busy machines.)
      await until(() => hole.closedAt.length >= 1);
      expect(hole.closedAt).toHaveLength(1);
      expect(hole.closedAt[0]! - started).toBeLessThan(SQS_LIMITS.attemptMs - 500);

      expect(await second).toEqual({ ok: false, failure: 'unreachable', error: 'AbortError' });
      await until(() => hole.closedAt.length >= 2);
      expect(hole.closedAt).toHaveLength(2);
      expect(hole.closedAt[1]! - started).toBeLessThan(SQS_LIMITS.attemptMs);
    } finally {
      await hole.close();
    }
  });

  it('answers at its deadline while the SDK is backing off before a retry', async () => {
    const proxy = await startFaultProxy(endpoint);
    // The SDK's back-off is jittered: at its largest, a throttled first attempt waits about 500 ms.
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.99);
    try {
      proxy.plan(['throttle'], 'pass');
      const send = createQueueSender(createSqsClient(target(proxy.endpoint)));
      const started = performance.now();
      const outcome = await send(queueUrl, 'throttled', ATTRIBUTES, abortAfter(150));
      expect(outcome).toEqual({ ok: false, failure: 'unreachable', error: 'AbortError' });
      expect(performance.now() - started).toBeLessThan(400);
      expect(proxy.seen).toEqual(['throttle']);
    } finally {
      random.mockRestore();
      await proxy.close();
    }
  });
});

describe('abandonOnAbort', () => {
  const never = new Promise<never>(() => undefined);

  it('rejects with the signal’s AbortError when the signal aborts first, at once when it already has', async () => {
    const controller = new AbortController();
    const waiting = abandonOnAbort(never, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    await expect(abandonOnAbort(never, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('settles as the work does, and leaves no listener on the signal', async () => {
    const { signal } = new AbortController();
    await expect(abandonOnAbort(Promise.resolve('done'), signal)).resolves.toBe('done');
    await expect(abandonOnAbort(Promise.reject(new Error('failed')), signal)).rejects.toThrow('failed');
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });
});
