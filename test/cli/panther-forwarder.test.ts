/**
 * The CLI's entry point run in process (runCli), as the tests run every command but a few smoke runs
 * of the bin script: each run prints to its own streams and reads its own environment, leaves this
 * process's console, environment and signal handlers as they were, and answers usage errors with 2.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { localSqsClient } from '../../functions/runtime/local-aws';
import { cli } from '../support/cli';
import { closedPort } from '../support/network';
import { type RunningProcess, startSqsServer, stopAll } from '../support/processes';

let server: RunningProcess;
beforeAll(async () => {
  server = await startSqsServer();
});
afterAll(stopAll);

describe('runCli', () => {
  it("prints to the run's own streams and reads the run's own environment, leaving this process's as they were", async () => {
    const port = String(await closedPort());
    const consoleBefore = globalThis.console;
    const result = await cli(['send-test-alert'], { PORT: port });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`Could not reach http://127.0.0.1:${port}/alerts`);
    expect(globalThis.console).toBe(consoleBefore);
    expect(process.env.PORT).not.toBe(port);
  });

  it('runs started together take turns, each with its own output and environment', async () => {
    // A command that awaits (a connection) while the other run starts.
    const ports = [String(await closedPort()), String(await closedPort())];
    const results = await Promise.all(ports.map((port) => cli(['send-test-alert'], { PORT: port })));
    expect(results.map((r) => r.code)).toEqual([1, 1]);
    results.forEach((result, i) => {
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining(`Could not reach http://127.0.0.1:${ports[i]}/alerts`)]);
    });
  });

  it('removes the signal handlers a command added: take stops on Ctrl-C in its own run only', async () => {
    const before = ['SIGINT', 'SIGTERM'].map((signal) => process.listenerCount(signal));
    const result = await cli(['take', '--queue-url', server.printed['Queue URL']!, '--timeout', '1']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Ctrl-C stops.');
    expect(['SIGINT', 'SIGTERM'].map((signal) => process.listenerCount(signal))).toEqual(before);
  });

  it('answers 1, naming the error, when a command fails unexpectedly', async () => {
    const result = await cli(['stats', '--queue-url', `http://127.0.0.1:${await closedPort()}/000000000000/gone`], {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_MAX_ATTEMPTS: '1',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^panther-forwarder: .*ECONNREFUSED/m);
  });

  it.each([
    [['take', '--queue-url', 'http://127.0.0.1:1/000000000000/q', '--route', 'paging'], 'take takes --queue-url or --route, not both'],
    [['tail', '--max', '1.5'], '--max must be a positive whole number'],
    [['replay', '--since', '2024-05-01', '--to', 'http://127.0.0.1:1/000000000000/q', 'extra'], 'replay takes no "extra"'],
  ])('answers 2 to a usage error (%j) in one line, naming it and where the help is', async (args, message) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`panther-forwarder: ${message} (see --help)\n`);
  });

  it("shows the usage for a command's --help, running nothing", async () => {
    const result = await cli(['take', '--queue-url', `http://127.0.0.1:${await closedPort()}/000000000000/q`, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: npx --no panther-forwarder <command> [options]');
    expect(result.stderr).toBe('');
  });
});

describe('stats', () => {
  it('prints the counts of the queues named with --queue-url', async () => {
    // Not the alert queue: the take above left a long poll there, which takes the next message.
    const queueUrl = server.printed['Dead-letter queue URL']!;
    const sqs = localSqsClient(server.printed['SQS endpoint']!);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{}' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{}', DelaySeconds: 60 }));
    const { code, stdout } = await cli(['stats', '--queue-url', queueUrl, '--queue-url', server.printed['Quarantine queue URL']!]);
    expect(code).toBe(0);
    expect(
      stdout
        .trim()
        .split('\n')
        .map((line) => line.trim().split(/\s{2,}/)),
    ).toEqual([
      ['queue', 'visible', 'in flight', 'delayed'],
      ['panther-alerts-dlq', '1', '0', '1'],
      ['panther-alerts-quarantine', '0', '0', '0'],
    ]);
  });
});
