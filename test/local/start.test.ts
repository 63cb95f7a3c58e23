/**
 * A new user's first five minutes, for real: `npm start`, then the CLI from a second "terminal",
 * then SIGTERM, after which no process of the run may be left.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { localSqsClient } from '../../functions/runtime/local-aws';
import { EXAMPLES_DIR } from '../corpus/panther-payloads';
import { cli, spawnedCli } from '../support/cli';
import { closedPort } from '../support/network';
import { ROOT, startLocalMode, startProcess, startSqsServer, stopAll } from '../support/processes';
import { attributesOf, drainQueue } from '../support/queue';

afterAll(stopAll);

/** PIDs of processes whose environment carries this marker (Linux /proc). */
function processesMarked(marker: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').includes(marker);
      } catch {
        return false; // gone meanwhile, or not ours to read
      }
    })
    .map(Number);
}

describe('npm start, as a new user runs it', () => {
  const marker = `PANTHER_TEST_RUN=${randomUUID()}`;
  let npmStart: Awaited<ReturnType<typeof startProcess>>;

  beforeAll(async () => {
    npmStart = await startProcess('npm', ['start'], {
      env: { PORT: '0', SQS_PORT: '0', PANTHER_TEST_RUN: marker.split('=')[1] },
      waitFor: ['Webhook URL', 'Queue URL', 'SQS endpoint', 'Header'],
      timeoutMs: 60_000,
    });
  }, 70_000);

  /** `--header 'Name: value'` as printed by npm start. */
  const header = () => ['--header', npmStart.printed.Header!];

  it('prints the webhook URL, queue URL, SQS endpoint and the header to send, all on 127.0.0.1', () => {
    expect(npmStart.printed.Header).toMatch(/^X-Panther-Webhook-Secret: [\w-]{32}$/);
    expect(npmStart.printed['Webhook URL']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/alerts$/);
    expect(npmStart.printed['SQS endpoint']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(npmStart.printed['Queue URL']).toMatch(/\/panther-alerts$/);
  });

  it('takes `send-test-alert` with 200, logs the request, `tail` shows the alert and leaves it, `take` removes it', async () => {
    const stranger = await cli(['send-test-alert', '--url', npmStart.printed['Webhook URL']!]);
    expect(stranger.code).toBe(1);
    expect(stranger.stdout).toMatch(/^HTTP 401 /);
    // As the user runs them: the bin script, each in its own process (the other tests run the CLI in process).
    const sent = await spawnedCli(['send-test-alert', '--url', npmStart.printed['Webhook URL']!, ...header()]);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/^HTTP 200 \{"status":"queued","messageId":"[^"]+","routes":\[\],"requestId":"[^"]+"\}/);

    const tailed = await spawnedCli(['tail', '--max', '1', '--timeout', '30'], {
      SQS_PORT: new URL(npmStart.printed['SQS endpoint']!).port,
    });
    expect(tailed.code).toBe(0);
    expect(tailed.stdout).toMatch(/INFO {2}RULE {2}Test\.Alert {2}"This is a Test Alert" {2}alertId=Test\.Alert/);
    expect(npmStart.output.some((line) => / POST \/alerts 200 alert=Test\.Alert severity=INFO \d+ms$/.test(line))).toBe(true);

    // tail read the archive, not the queue: the alert is still there for its consumer, never received.
    const counts = async () => {
      const queues = (await (await fetch(`${npmStart.printed['SQS endpoint']}/_fauxqs/queues`)).json()) as Array<{
        name: string;
        approximateMessageCount: number;
        approximateInflightCount: number;
      }>;
      const queue = queues.find((q) => q.name === 'panther-alerts')!;
      return { ready: queue.approximateMessageCount, inFlight: queue.approximateInflightCount };
    };
    expect(await counts()).toEqual({ ready: 1, inFlight: 0 });

    // take prints what it takes (--json: the alert itself) and removes it from the queue.
    const json = await cli(['take', '--queue-url', npmStart.printed['Queue URL']!, '--json', '--max', '1', '--timeout', '30']);
    expect(json.stderr).toContain('each one printed is deleted from the queue');
    const line = JSON.parse(json.stdout.trim()) as { attributes: Record<string, string>; alert: { id: string; createdAt: string } };
    expect(line.attributes).toEqual({
      severity: 'INFO',
      type: 'RULE',
      detectionId: 'Test.Alert',
      alertId: 'Test.Alert',
      dedupKey: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(line.alert.id).toBe('Test.Alert');
    expect(Date.now() - Date.parse(line.alert.createdAt)).toBeLessThan(120_000);
    expect(await counts()).toEqual({ ready: 0, inFlight: 0 });
  }, 120_000);

  it('sends a file as-is with --file; a non-alert is quarantined (202) with its errors', async () => {
    const example = join(EXAMPLES_DIR, 'rule-error.json');
    expect((await cli(['send-test-alert', '--url', npmStart.printed['Webhook URL']!, ...header(), '--file', example])).code).toBe(0);
    const quarantined = await cli([
      'send-test-alert',
      '--url',
      npmStart.printed['Webhook URL']!,
      ...header(),
      '--file',
      join(ROOT, 'package.json'),
    ]);
    expect(quarantined.code).toBe(0);
    expect(quarantined.stdout).toMatch(/^HTTP 202 .*"quarantined".*id: is required/);
    const messages = await drainQueue(localSqsClient(npmStart.printed['SQS endpoint']!), npmStart.printed['Queue URL']!, { expected: 2 });
    expect(messages.map((m) => m.Body)).toEqual([readFileSync(example, 'utf8')]);
  });

  it('stops both servers on SIGTERM and leaves no process behind', async () => {
    expect(processesMarked(marker).length).toBeGreaterThan(0);
    const webhook = npmStart.printed['Webhook URL']!;
    const sqsEndpoint = npmStart.printed['SQS endpoint']!;
    expect(await npmStart.stop('SIGTERM')).toBe(0);
    // Give the kernel a moment to reap, then check: no marked process, both ports closed.
    const deadline = Date.now() + 5_000;
    while (processesMarked(marker).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(processesMarked(marker)).toEqual([]);
    await expect(fetch(webhook, { method: 'POST', body: '{}' })).rejects.toThrow();
    await expect(fetch(`${sqsEndpoint}/health`)).rejects.toThrow();
  });
});

describe('local mode and Ctrl-C', () => {
  it('stops both servers on SIGINT too, exiting 0', async () => {
    const local = await startLocalMode();
    const webhook = local.printed['Webhook URL']!;
    const sqsEndpoint = local.printed['SQS endpoint']!;
    expect(await local.stop('SIGINT')).toBe(0);
    await expect(fetch(webhook, { method: 'POST', body: '{}' })).rejects.toThrow();
    await expect(fetch(`${sqsEndpoint}/health`)).rejects.toThrow();
  });
});

describe('npm start with an existing SQS', () => {
  it('uses the queue named by QUEUE_URL and the standard AWS variables instead of its own', async () => {
    const sqsServer = await startSqsServer();
    const local = await startProcess(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
      env: {
        PORT: '0',
        SQS_PORT: String(await closedPort()),
        QUEUE_URL: sqsServer.printed['Queue URL'],
        QUARANTINE_QUEUE_URL: sqsServer.printed['Quarantine queue URL'],
        AWS_ENDPOINT_URL_SQS: sqsServer.printed['SQS endpoint'],
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
      },
      waitFor: ['Webhook URL', 'Queue URL', 'SQS endpoint', 'Header', 'then'],
    });
    expect(local.printed['SQS endpoint']).toBe(sqsServer.printed['SQS endpoint']);
    // No archive without the embedded SQS: the hint is take, on the queue in use (local mode's own lookup would not find it).
    expect(local.printed.then).toBe(
      `node cli/panther-forwarder.cjs take --queue-url ${sqsServer.printed['Queue URL']}      (removes what it prints; Ctrl-C stops)`,
    );
    expect((await cli(['send-test-alert', '--url', local.printed['Webhook URL']!, '--header', local.printed.Header!])).code).toBe(0);
    const [message] = await drainQueue(localSqsClient(sqsServer.printed['SQS endpoint']!), sqsServer.printed['Queue URL']!, {
      expected: 1,
    });
    expect(attributesOf(message!).detectionId).toBe('Test.Alert');
  });
});

describe('panther-forwarder CLI', () => {
  it('validates files as the webhook would, printing each error, exit 1 if any is refused', async () => {
    const examples = readdirSync(EXAMPLES_DIR).map((file) => join(EXAMPLES_DIR, file));
    const ok = await cli(['validate', ...examples]);
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim().split('\n')).toHaveLength(examples.length);
    const bad = await cli(['validate', examples[0]!, join(ROOT, 'package.json'), join(ROOT, 'no-such-file.json')]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('package.json: refused with 400: not a Panther alert');
    expect(bad.stdout).toContain('  - createdAt: is required');
    expect(bad.stdout).toContain('no-such-file.json: cannot read (ENOENT)');
  });

  it('explains itself with --help and answers 2 to a usage error', async () => {
    const help = await spawnedCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['send-test-alert', 'tail', 'take', 'validate']) expect(help.stdout).toContain(command);
    expect((await spawnedCli(['frobnicate'])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['send-test-alert', '--header', 'no-colon'])).code).toBe(2);
    expect((await cli(['tail', '--max', '-3'])).code).toBe(2);
    expect((await cli(['take', '--max', '-3'])).code).toBe(2);
    expect((await cli(['validate'])).code).toBe(2);
  });

  it('says clearly when the webhook cannot be reached, exit 1', async () => {
    const result = await cli(['send-test-alert', '--url', `http://127.0.0.1:${await closedPort()}/alerts`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ECONNREFUSED.*npm start/);
  });

  it('sends the headers given with --header', async () => {
    const seen: Record<string, string | string[] | undefined>[] = [];
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const result = await cli([
        'send-test-alert',
        '--url',
        `http://127.0.0.1:${port}/alerts`,
        '--header',
        'X-Panther-Secret: s3cr3t: with colon',
      ]);
      expect(result.code).toBe(0);
      expect(seen[0]?.['x-panther-secret']).toBe('s3cr3t: with colon');
      expect(seen[0]?.['content-type']).toBe('application/json');
    } finally {
      server.close();
    }
  });
});
