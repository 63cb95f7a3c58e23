/**
 * The second door on a laptop, for real: `npm start`'s program, then the CLI sending as Panther's
 * Amazon SQS destination does (SendMessage, body only) into the inbox it printed; the inbox
 * processor, run in process by the local event source, puts the alert where the webhook would.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localSqsClient } from '../../functions/runtime/local-aws';
import { EXAMPLES_DIR } from '../corpus/panther-payloads';
import { cli, spawnedCli } from '../support/cli';
import { closedPort } from '../support/network';
import { ROOT, type RunningProcess, startLocalMode, startTsx, stopAll, untilPrinted } from '../support/processes';
import { attributesOf, drainQueue } from '../support/queue';

afterAll(stopAll);

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('npm start with the inbox', () => {
  let local: RunningProcess;
  beforeAll(async () => {
    // Up to the `then:` hint, which follows the Ready line.
    local = await startTsx('local/start.ts', [], {
      env: { PORT: '0', SQS_PORT: '0' },
      waitFor: ['Webhook URL', 'Queue URL', 'Inbox queue URL', 'SQS endpoint', 'Header', 'then'],
    });
  });

  it('prints the inbox queue among the ready lines, before the Ready line', () => {
    expect(local.printed['Inbox queue URL']).toMatch(/^http:\/\/sqs\.us-east-1\.localhost:\d+\/000000000000\/panther-inbox$/);
    const position = (prefix: string) => local.output.findIndex((line) => line.startsWith(prefix));
    expect(position('Inbox queue URL: ')).toBeLessThan(position('Ready.'));
  });

  it('`send-test-alert --queue-url <inbox>` puts the test alert on the alert queue within seconds, and `take` shows it', async () => {
    const started = Date.now();
    const sent = await cli(['send-test-alert', '--queue-url', local.printed['Inbox queue URL']!]);
    expect(sent.code).toBe(0);
    const [, messageId] = /^MessageId: (\S+)$/m.exec(sent.stdout) ?? [];
    expect(messageId).toEqual(expect.any(String));

    const taken = await cli(['take', '--queue-url', local.printed['Queue URL']!, '--json', '--max', '1', '--timeout', '10']);
    expect(taken.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    const { alert, attributes } = JSON.parse(taken.stdout.trim()) as { attributes: Record<string, string>; alert: Record<string, string> };
    expect(alert).toMatchObject({ id: 'Test.Alert', alertId: 'Test.Alert', severity: 'INFO', type: 'RULE' });
    expect(Date.now() - Date.parse(alert.createdAt!)).toBeLessThan(60_000);
    // The CLI sends the test alert as compact JSON, as Panther does; the dedupKey is the SHA-256 of exactly those bytes.
    expect(attributes).toEqual({
      severity: alert.severity,
      type: alert.type,
      detectionId: alert.id,
      alertId: alert.alertId,
      dedupKey: sha256(JSON.stringify(alert)),
    });
    // Local mode's own line for the record, naming the inbox message (printed once it is deleted, maybe after tail saw the alert).
    expect(await untilPrinted(local, new RegExp(`SQS panther-inbox ${messageId} handled \\d+ms$`))).toBe(true);
    // Nothing left on the inbox: the record was deleted once handled.
    expect(
      await drainQueue(localSqsClient(local.printed['SQS endpoint']!), local.printed['Inbox queue URL']!, { idleReceives: 1 }),
    ).toEqual([]);
  }, 60_000);

  it('sends a file byte for byte with --file; a body that is not an alert goes to the quarantine with its reason', async () => {
    const sqs = localSqsClient(local.printed['SQS endpoint']!);
    const example = join(EXAMPLES_DIR, 'rule-error.json');
    const notAnAlert = join(ROOT, 'package.json');
    for (const file of [example, notAnAlert]) {
      expect((await cli(['send-test-alert', '--queue-url', local.printed['Inbox queue URL']!, '--file', file])).code).toBe(0);
    }
    const [queued] = await drainQueue(sqs, local.printed['Queue URL']!, { expected: 1, maxMs: 10_000 });
    expect(queued?.Body).toBe(readFileSync(example, 'utf8'));
    expect(attributesOf(queued!).dedupKey).toBe(sha256(readFileSync(example, 'utf8')));
    const [quarantined] = await drainQueue(sqs, local.printed['Quarantine queue URL']!, { expected: 1, maxMs: 10_000 });
    expect(quarantined?.Body).toBe(readFileSync(notAnAlert, 'utf8'));
    expect(attributesOf(quarantined!)).toEqual({ reason: 'not-an-alert', errors: expect.stringContaining('createdAt: is required') });
  }, 60_000);
});

describe('npm start with FIFO queues and a route', () => {
  it('the inbox stays standard; the alert reaches the FIFO alert queue and its route with the group and deduplication ids', async () => {
    const local = await startLocalMode({ FIFO: 'true', LOCAL_ROUTES: '[{"name":"info","severities":["INFO"]}]' });
    const sqs = localSqsClient(local.printed['SQS endpoint']!);
    expect(local.printed['Inbox queue URL']).toMatch(/\/panther-inbox$/);
    expect((await cli(['send-test-alert', '--queue-url', local.printed['Inbox queue URL']!])).code).toBe(0);
    for (const queueUrl of [local.printed['Queue URL']!, local.printed['Route info queue URL']!]) {
      expect(queueUrl).toMatch(/\.fifo$/);
      const [message] = await drainQueue(sqs, queueUrl, { expected: 1, maxMs: 10_000 });
      expect(message?.Attributes?.MessageGroupId).toBe('Test.Alert');
      expect(message?.Attributes?.MessageDeduplicationId).toBe(sha256(message!.Body!));
      expect(attributesOf(message!).dedupKey).toBe(sha256(message!.Body!));
    }
    expect(await local.stop('SIGINT')).toBe(0);
  }, 60_000);
});

describe('send-test-alert --queue-url', () => {
  it('is a usage error (2) with --url or --header, and --endpoint without --queue-url', async () => {
    const queue = ['--queue-url', 'http://sqs.us-east-1.localhost:1/000000000000/panther-inbox'];
    expect((await cli(['send-test-alert', ...queue, '--url', 'http://127.0.0.1:1/alerts'])).code).toBe(2);
    expect((await cli(['send-test-alert', ...queue, '--header', 'X-A: b'])).code).toBe(2);
    expect((await cli(['send-test-alert', '--endpoint', 'http://127.0.0.1:1'])).code).toBe(2);
    expect((await cli(['--help'])).stdout).toContain('send-test-alert --queue-url URL');
  });

  it('says clearly when the queue cannot be reached through --endpoint, exit 1', async () => {
    // An AWS queue URL: had --endpoint been ignored, the SDK would look the host up, not be refused.
    // In its own process: the SDK wraps a connection error from another realm (jest's), losing its code.
    const result = await spawnedCli(
      [
        'send-test-alert',
        '--queue-url',
        'https://sqs.us-east-1.amazonaws.com/000000000000/panther-inbox',
        '--endpoint',
        `http://127.0.0.1:${await closedPort()}`,
      ],
      { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_MAX_ATTEMPTS: '1' },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Could not send to .*panther-inbox: ECONNREFUSED/);
  });

  it('refuses a file that is not UTF-8, which no SQS message can carry unchanged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inbox-cli-'));
    try {
      const file = join(dir, 'latin1.json');
      writeFileSync(file, Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]));
      const result = await cli([
        'send-test-alert',
        '--queue-url',
        `http://sqs.us-east-1.localhost:${await closedPort()}/000000000000/x`,
        '--file',
        file,
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('not UTF-8');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
