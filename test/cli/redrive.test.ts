/** `npx panther-forwarder redrive` against a real fauxqs: quarantine after a schema fix, and a DLQ. */
import { createHash } from 'node:crypto';
import { ChangeMessageVisibilityCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { redrive } from '../../cli/redrive';
import { FORWARDER_SETTINGS } from '../../functions/core/settings';
import { decidePayload } from '../../functions/core/webhook-core';
import { localSqsClient } from '../../functions/runtime/local-aws';
import { createQueueSender } from '../../functions/runtime/queue-sender';
import { createForwarderQueues } from '../../local/embedded-sqs';
import { baseAlert } from '../corpus/panther-payloads';
import { cli } from '../support/cli';
import { startSqsServer, stopAll, type RunningProcess } from '../support/processes';
import { attributesOf, drainQueue } from '../support/queue';

let server: RunningProcess;
afterAll(stopAll);
beforeAll(async () => {
  server = await startSqsServer();
});

describe('redrive', () => {
  it('moves quarantined bodies that are valid alerts now (after a schema fix) with routing attributes, and keeps the rest', async () => {
    const sqs = localSqsClient(server.printed['SQS endpoint']!);
    const quarantine = server.printed['Quarantine queue URL']!;
    const queue = server.printed['Queue URL']!;
    const nowValid = JSON.stringify(baseAlert({ type: 'SOME_NEW_TYPE' }));
    const stillInvalid = JSON.stringify(baseAlert({ severity: 'URGENT' }));
    const notUtf8 = Buffer.from([0x7b, 0xe9, 0x7d]).toString('base64');
    for (const [body, attributes] of [
      [nowValid, { reason: 'not-an-alert' }],
      [stillInvalid, { reason: 'not-an-alert' }],
      [notUtf8, { reason: 'not-utf8', encoding: 'base64' }],
    ] as const) {
      const MessageAttributes = Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]));
      await sqs.send(new SendMessageCommand({ QueueUrl: quarantine, MessageBody: body, MessageAttributes }));
    }

    const { code, stdout } = await cli(['redrive', '--from', quarantine, '--to', queue, '--revalidate']);
    expect(code).toBe(0);
    expect(stdout).toContain('Moved 1 message(s); 2 still invalid, left in place.');

    const [moved, ...extra] = await drainQueue(sqs, queue, { expected: 2 });
    expect(extra).toEqual([]);
    expect(moved!.Body).toBe(nowValid);
    expect(attributesOf(moved!)).toEqual({
      severity: 'HIGH',
      type: 'SOME_NEW_TYPE',
      detectionId: 'AWS.CloudTrail.RootActivity',
      alertId: 'b90c19e66e160e194a5b3b94ec27fb7c',
      dedupKey: createHash('sha256').update(nowValid).digest('hex'),
    });
  });

  it('moves dead letters back with bodies and attributes intact', async () => {
    const sqs = localSqsClient(server.printed['SQS endpoint']!);
    const dlq = server.printed['Dead-letter queue URL']!;
    const queue = server.printed['Queue URL']!;
    const bodies = [0, 1, 2].map((n) => JSON.stringify(baseAlert({ alertId: `dead-${n}` })));
    for (const body of bodies) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: dlq,
          MessageBody: body,
          MessageAttributes: { severity: { DataType: 'String', StringValue: 'HIGH' } },
        }),
      );
    }
    const { code, stdout } = await cli(['redrive', '--from', dlq, '--to', queue]);
    expect(code).toBe(0);
    expect(stdout).toContain('Moved 3 message(s).');
    const messages = await drainQueue(sqs, queue, { expected: 4 });
    expect(messages.map((m) => m.Body).sort()).toEqual([...bodies].sort());
    for (const m of messages) expect(attributesOf(m)).toEqual({ severity: 'HIGH' });
    expect(await drainQueue(sqs, dlq, { idleReceives: 1 })).toEqual([]);
  });

  it('needs both queues', async () => {
    expect(await cli(['redrive', '--from', server.printed['Queue URL']!])).toMatchObject({ code: 2 });
  });
});

describe('redrive with a server that has message move tasks (as AWS does)', () => {
  it('starts the task for the queue pair and reports its progress until it completes', async () => {
    // fauxqs has no move tasks: this loopback stand-in answers the three calls AWS would.
    const calls: Array<{ target: string; input: Record<string, unknown> }> = [];
    let polls = 0;
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const target = String(req.headers['x-amz-target']).replace('AmazonSQS.', '');
        const input = JSON.parse(body) as Record<string, unknown>;
        calls.push({ target, input });
        const answers: Record<string, () => object> = {
          GetQueueAttributes: () => ({ Attributes: { QueueArn: `arn:aws:sqs:us-east-1:1:${String(input.QueueUrl).split('/').pop()}` } }),
          StartMessageMoveTask: () => ({ TaskHandle: 'task-1' }),
          ListMessageMoveTasks: () => ({
            Results: [{ Status: ++polls < 3 ? 'RUNNING' : 'COMPLETED', ApproximateNumberOfMessagesMoved: polls * 4 }],
          }),
        };
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(answers[target]!()));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const progress: string[] = [];
      const result = await redrive(localSqsClient(endpoint), {
        from: `${endpoint}/1/alerts-dlq`,
        to: `${endpoint}/1/alerts`,
        revalidate: false,
        progress: (line) => progress.push(line),
        pollMs: 10,
      });
      expect(result).toEqual({ moved: 12, kept: 0, method: 'move-task' });
      expect(calls.find((c) => c.target === 'StartMessageMoveTask')!.input).toEqual({
        SourceArn: 'arn:aws:sqs:us-east-1:1:alerts-dlq',
        DestinationArn: 'arn:aws:sqs:us-east-1:1:alerts',
      });
      expect(progress).toEqual(['move task RUNNING: 4 moved', 'move task RUNNING: 8 moved', 'move task COMPLETED: 12 moved']);
    } finally {
      server.close();
    }
  });
});

describe('redrive into FIFO queues', () => {
  it('carries each message group, for dead letters and revalidated quarantine alike', async () => {
    const sqs = localSqsClient(server.printed['SQS endpoint']!);
    const fifo = await createForwarderQueues(sqs, { name: 'fifo-redrive', fifo: true });
    const body = JSON.stringify(baseAlert({ alertId: 'fifo-dead' }));
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: fifo.deadLetterQueueUrl,
        MessageBody: body,
        MessageGroupId: 'AWS.CloudTrail.RootActivity',
        MessageDeduplicationId: 'dead-1',
        MessageAttributes: { dedupKey: { DataType: 'String', StringValue: 'dead-1' } },
      }),
    );
    const fromDlq = await redrive(sqs, { from: fifo.deadLetterQueueUrl, to: fifo.queueUrl, revalidate: false });
    expect(fromDlq).toEqual({ moved: 1, kept: 0, method: 'copy' });

    const quarantined = JSON.stringify(baseAlert({ alertId: 'fifo-quarantined', type: 'NEW_TYPE' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: fifo.quarantineQueueUrl, MessageBody: quarantined }));
    expect(await redrive(sqs, { from: fifo.quarantineQueueUrl, to: fifo.queueUrl, revalidate: true })).toMatchObject({ moved: 1 });

    const messages = await drainQueue(sqs, fifo.queueUrl, { expected: 3 });
    expect(messages.map((m) => m.Body)).toEqual([body, quarantined]);
    expect(messages.map((m) => m.Attributes?.MessageGroupId)).toEqual(['AWS.CloudTrail.RootActivity', 'AWS.CloudTrail.RootActivity']);
  });
});

describe('redrive into FIFO queues within five minutes of the first send (the deduplication window)', () => {
  type Sent = Awaited<ReturnType<typeof sentByTheReceiver>>;

  /** An alert the receiver sent to new FIFO queues (its dedupKey as deduplication id), and that send again. */
  async function sentByTheReceiver(sqs: SQSClient, name: string) {
    const queues = await createForwarderQueues(sqs, { name, fifo: true });
    const body = JSON.stringify(baseAlert({ alertId: name }));
    const decision = decidePayload({ body: Buffer.from(body).toString('base64'), isBase64Encoded: true }, 'reject');
    if (decision.action !== 'enqueue') throw new Error(`the receiver would not enqueue ${name}`);
    const send = () =>
      createQueueSender(sqs)(queues.queueUrl, decision.messageBody, decision.attributes, undefined, decision.messageGroupId);
    expect(await send()).toMatchObject({ ok: true });
    return { queues, body, decision, send };
  }

  /**
   * A consumer that never deletes it: the receive after the last allowed one moves it to the
   * dead-letter queue. There fauxqs 1.9.2 keeps its deduplication id (AWS gives it its message id).
   */
  async function deadLettered(sqs: SQSClient, name: string): Promise<Sent> {
    const sent = await sentByTheReceiver(sqs, name);
    for (let receive = 0; receive <= FORWARDER_SETTINGS.maxReceiveCount; receive += 1) {
      await sqs.send(new ReceiveMessageCommand({ QueueUrl: sent.queues.queueUrl, VisibilityTimeout: 0 }));
    }
    return sent;
  }

  /**
   * The alert is on its queue exactly once, in its group with its attributes (dedupKey unchanged),
   * and `emptied` is empty. Then proof that all this happened inside the window: the receiver's
   * original send, repeated now, is still discarded as a duplicate.
   */
  async function expectOnQueueOnce(sqs: SQSClient, { queues, body, decision, send }: Sent, emptied: string): Promise<void> {
    const messages = await drainQueue(sqs, queues.queueUrl, { expected: 2, idleReceives: 1 });
    expect(messages.map((m) => m.Body)).toEqual([body]);
    expect(messages[0]!.Attributes?.MessageGroupId).toBe(decision.messageGroupId);
    expect(attributesOf(messages[0]!)).toEqual(decision.attributes);
    expect(await drainQueue(sqs, emptied, { idleReceives: 1 })).toEqual([]);
    expect(await send()).toMatchObject({ ok: true });
    expect(await drainQueue(sqs, queues.queueUrl, { idleReceives: 1 })).toEqual([]);
  }

  it.each([
    ['with --max (the CLI)', ['--max', '10']],
    ['without --max, where the server has no message move task (fauxqs)', []],
  ])('copy-mode redrive of a dead letter back to its queue %s loses nothing to deduplication', async (_how, extra) => {
    const sqs = localSqsClient(server.printed['SQS endpoint']!);
    const sent = await deadLettered(sqs, `fifo-window-${extra.length}`);
    const { code, stdout } = await cli(['redrive', '--from', sent.queues.deadLetterQueueUrl, '--to', sent.queues.queueUrl, ...extra]);
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'Moved 1 message(s).\n' });
    await expectOnQueueOnce(sqs, sent, sent.queues.deadLetterQueueUrl);
  });

  it('alerts parked in another FIFO queue and brought back (copy mode both ways) lose nothing to deduplication', async () => {
    // No dead-letter queue in between, so this holds whatever SQS does to a dead letter's id.
    const sqs = localSqsClient(server.printed['SQS endpoint']!);
    const sent = await sentByTheReceiver(sqs, 'fifo-round-trip');
    const parking = (await createForwarderQueues(sqs, { name: 'fifo-parking', fifo: true })).queueUrl;
    const there = await redrive(sqs, { from: sent.queues.queueUrl, to: parking, revalidate: false });
    const back = await redrive(sqs, { from: parking, to: sent.queues.queueUrl, revalidate: false });
    expect([there, back]).toEqual([
      { moved: 1, kept: 0, method: 'copy' },
      { moved: 1, kept: 0, method: 'copy' },
    ]);
    await expectOnQueueOnce(sqs, sent, parking);
  });

  it('a run repeated after a crash between send and delete sends a copy SQS discards: the alert lands once', async () => {
    const endpoint = server.printed['SQS endpoint']!;
    const sqs = localSqsClient(endpoint);
    const sent = await deadLettered(sqs, 'fifo-crash');
    // A client whose DeleteMessage never happens, as if the process died right after the send.
    const crashing = localSqsClient(endpoint);
    const receiptHandles: string[] = [];
    crashing.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'DeleteMessageCommand') return next(args);
        receiptHandles.push((args.input as { ReceiptHandle: string }).ReceiptHandle);
        throw new Error('crashed before the delete');
      },
      { step: 'initialize' },
    );
    const options = { from: sent.queues.deadLetterQueueUrl, to: sent.queues.queueUrl, revalidate: false };
    await expect(redrive(crashing, options)).rejects.toThrow('crashed before the delete');
    // Its visibility timeout running out, without the wait.
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: options.from, ReceiptHandle: receiptHandles[0], VisibilityTimeout: 0 }));
    expect(await redrive(sqs, options)).toEqual({ moved: 1, kept: 0, method: 'copy' });
    await expectOnQueueOnce(sqs, sent, sent.queues.deadLetterQueueUrl);
  });

  it('--revalidate from a FIFO dead-letter queue does not reuse the id of the delivery that failed', async () => {
    const sqs = localSqsClient(server.printed['SQS endpoint']!);
    const sent = await deadLettered(sqs, 'fifo-revalidate');
    const result = await redrive(sqs, { from: sent.queues.deadLetterQueueUrl, to: sent.queues.queueUrl, revalidate: true });
    expect(result).toEqual({ moved: 1, kept: 0, method: 'copy' });
    await expectOnQueueOnce(sqs, sent, sent.queues.deadLetterQueueUrl);
  });
});

describe('redrive --revalidate with routes', () => {
  /** Quarantines these bodies, as the receiver did before a schema fix. */
  async function quarantine(sqs: ReturnType<typeof localSqsClient>, queueUrl: string, bodies: readonly string[]): Promise<void> {
    for (const body of bodies) {
      const reason = { reason: { DataType: 'String', StringValue: 'not-an-alert' } };
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, MessageAttributes: reason }));
    }
  }

  it('fans out exactly as the receiver does: a HIGH alert to the alert queue and the paging queue, a LOW one to the alert queue only', async () => {
    const sqs = localSqsClient(server.printed['SQS endpoint']!);
    const queues = await createForwarderQueues(sqs, { name: 'routed-redrive', routes: ['paging', 'cspm'] });
    const high = JSON.stringify(baseAlert({ severity: 'HIGH', type: 'SOME_NEW_TYPE', alertId: 'routed-high' }));
    const low = JSON.stringify(baseAlert({ severity: 'LOW', type: 'SOME_NEW_TYPE', alertId: 'routed-low' }));
    await quarantine(sqs, queues.quarantineQueueUrl, [high, low]);
    const routes = JSON.stringify([
      { name: 'paging', queueUrl: queues.routeQueueUrls.paging, severities: ['HIGH', 'CRITICAL'] },
      { name: 'cspm', queueUrl: queues.routeQueueUrls.cspm, types: ['POLICY'] },
    ]);

    const { code, stdout } = await cli([
      'redrive',
      '--from',
      queues.quarantineQueueUrl,
      '--to',
      queues.queueUrl,
      '--revalidate',
      '--routes',
      routes,
    ]);
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'Moved 2 message(s); 0 still invalid, left in place.\n' });

    const bodies = async (url: string) => (await drainQueue(sqs, url, { expected: 3, idleReceives: 1 })).map((m) => m.Body).sort();
    expect(await bodies(queues.queueUrl)).toEqual([high, low].sort());
    const paging = await drainQueue(sqs, queues.routeQueueUrls.paging!, { expected: 2, idleReceives: 1 });
    expect(paging.map((m) => m.Body)).toEqual([high]);
    // The same routing attributes the receiver gives it.
    expect(attributesOf(paging[0]!)).toMatchObject({
      severity: 'HIGH',
      type: 'SOME_NEW_TYPE',
      alertId: 'routed-high',
      dedupKey: createHash('sha256').update(high).digest('hex'),
    });
    expect(await bodies(queues.routeQueueUrls.cspm!)).toEqual([]);
  });

  it('into FIFO queues, a repeated body (a retried delivery quarantined twice, or a run repeated after a crash) lands once per queue', async () => {
    const sqs = localSqsClient(server.printed['SQS endpoint']!);
    const queues = await createForwarderQueues(sqs, { name: 'routed-fifo', fifo: true, routes: ['paging'] });
    const high = JSON.stringify(baseAlert({ severity: 'CRITICAL', type: 'SOME_NEW_TYPE', alertId: 'fifo-twice' }));
    await quarantine(sqs, queues.quarantineQueueUrl, [high, high]);
    const routes = [{ name: 'paging', queueUrl: queues.routeQueueUrls.paging!, severities: ['HIGH', 'CRITICAL'] }];
    expect(await redrive(sqs, { from: queues.quarantineQueueUrl, to: queues.queueUrl, revalidate: true, routes })).toMatchObject({
      moved: 2,
    });
    await quarantine(sqs, queues.quarantineQueueUrl, [high]);
    expect(await redrive(sqs, { from: queues.quarantineQueueUrl, to: queues.queueUrl, revalidate: true, routes })).toMatchObject({
      moved: 1,
    });

    for (const url of [queues.queueUrl, queues.routeQueueUrls.paging!]) {
      const messages = await drainQueue(sqs, url, { expected: 2, idleReceives: 1 });
      expect(messages.map((m) => m.Body)).toEqual([high]);
      expect(messages[0]!.Attributes).toMatchObject({ MessageGroupId: 'AWS.CloudTrail.RootActivity' });
    }
  });

  it('refuses routes without --revalidate, and malformed routes, as usage errors', async () => {
    const url = server.printed['Queue URL']!;
    expect((await cli(['redrive', '--from', url, '--to', url, '--routes', '[]'])).code).toBe(2);
    // $ROUTES (set where the receiver's environment is at hand) does not stop a dead-letter redrive.
    const dlq = server.printed['Dead-letter queue URL']!;
    const plain = await cli(['redrive', '--from', dlq, '--to', url, '--max', '1'], { ROUTES: '[{"name":"p","queueUrl":"http://q"}]' });
    expect(plain).toMatchObject({ code: 0, stdout: 'Moved 0 message(s).\n' });
    const bad = await cli([
      'redrive',
      '--from',
      url,
      '--to',
      url,
      '--revalidate',
      '--routes',
      '[{"name":"p","queueUrl":"http://q","severities":["high"]}]',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"high" is not one of');
  });
});
