/**
 * The commands that only look, where the archive is not what local mode gives: tail and stats against
 * a named bucket on fauxqs, a missing bucket (the archive off), and what each then says; and take,
 * whose help says it removes what it prints.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { localS3Client, localSqsClient } from '../../functions/runtime/local-aws';
import { baseAlert } from '../corpus/panther-payloads';
import { tailArchive } from '../../cli/tail';
import { archiveAsReceiver, freshBucket, freshName, freshQueue } from '../support/archive';
import { cli, spawnedCli } from '../support/cli';
import { type Fault, startFaultProxy } from '../support/fault-proxy';
import { closedPort } from '../support/network';
import { until } from '../support/until';
import { type RunningProcess, startSqsServer, stopAll } from '../support/processes';
import { partitionByIso } from '../support/utc-partition';

let server: RunningProcess;
let endpoint: string;
let s3: S3Client;
let sqs: SQSClient;

beforeAll(async () => {
  server = await startSqsServer();
  endpoint = server.printed['SQS endpoint']!;
  s3 = localS3Client(endpoint);
  sqs = localSqsClient(endpoint);
});
afterAll(async () => {
  s3.destroy();
  sqs.destroy();
  await stopAll();
});

/** Archives an alert created `hoursAgo` hours ago, as the archive's writer would. */
async function archiveAlert(bucket: string, hoursAgo: number, n: number): Promise<void> {
  const body = JSON.stringify(baseAlert({ alertId: `watch-${n}`, createdAt: new Date(Date.now() - hoursAgo * 3_600_000).toISOString() }));
  await archiveAsReceiver(endpoint, bucket, [body], { arrivalMs: Date.now() });
}

describe('without an archive', () => {
  it('tail says there is none, names take and what it does, and exits 1', async () => {
    const bucket = freshName('absent');
    const { code, stderr, stdout } = await cli(['tail', '--bucket', bucket, '--endpoint', endpoint, '--timeout', '5']);
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toContain(`No archive to follow: there is no bucket ${bucket} at ${endpoint}`);
    expect(stderr).toContain('npx --no panther-forwarder take --queue-url URL (it removes what it prints)');
  });

  it('stats says so under the queue counts', async () => {
    const queue = await freshQueue(sqs);
    const bucket = freshName('absent');
    const { code, stdout } = await cli(['stats', '--queue-url', queue, '--endpoint', endpoint, '--bucket', bucket]);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n').at(-1)).toBe(`archive s3://${bucket}/alerts/: no such bucket (the archive is off)`);
  });

  it("stats of named queues leaves the archive out unless it is named too (a deployed stack's is not local mode's)", async () => {
    const queue = await freshQueue(sqs);
    const { code, stdout } = await cli(['stats', '--queue-url', queue, '--endpoint', endpoint]);
    expect(code).toBe(0);
    expect(stdout).not.toContain('archive');
    expect(stdout.trim().split('\n')).toHaveLength(2);
  });
});

describe('with a named archive', () => {
  it('stats counts the objects of this hour and the last, not older ones', async () => {
    // Not in an hour's last seconds: the command must count in the hour the alerts were made in (bounded wait).
    const intoHour = Date.now() % 3_600_000;
    if (intoHour > 3_600_000 - 10_000) await new Promise((resolve) => setTimeout(resolve, 3_600_000 - intoHour + 1_000));
    const bucket = await freshBucket(s3);
    for (const [n, hoursAgo] of [0, 0, 0, 1, 2, 30].entries()) await archiveAlert(bucket, hoursAgo, n);
    const queue = await freshQueue(sqs);
    const { code, stdout } = await cli(['stats', '--queue-url', queue, '--endpoint', endpoint, '--bucket', bucket]);
    expect(code).toBe(0);
    const partition = (hoursAgo: number) => partitionByIso(Date.now() - hoursAgo * 3_600_000);
    expect(stdout.trim().split('\n').at(-1)).toBe(
      `archive s3://${bucket}/alerts/: 3 object(s) under ${partition(0)} (this hour), 1 under ${partition(1)}`,
    );
  });

  it('tail prints what was archived lately, then stops at --max', async () => {
    const bucket = await freshBucket(s3);
    await archiveAlert(bucket, 0, 100);
    const { code, stdout, stderr } = await cli([
      'tail',
      '--bucket',
      bucket,
      '--endpoint',
      endpoint,
      '--json',
      '--max',
      '1',
      '--timeout',
      '20',
    ]);
    expect(code).toBe(0);
    const line = JSON.parse(stdout.trim()) as { key: string; attributes: Record<string, string>; alert: Record<string, string> };
    expect(line.alert.alertId).toBe('watch-100');
    expect(line.key).toMatch(/^alerts\/dt=\d{4}-\d{2}-\d{2}\/hour=\d{2}\/[0-9a-f]{64}\.json$/);
    expect(line.attributes).toMatchObject({ alertId: 'watch-100', detectionId: line.alert.id });
    expect(stderr).not.toContain('refused');
  });
});

describe('tail when S3 misbehaves', () => {
  /** Runs tail in this process (a short poll), collecting what it prints. */
  function tailed(options: Omit<Parameters<typeof tailArchive>[0], 'prefix' | 'json' | 'where' | 'pollMs'> & { where: string }) {
    const printed = { out: [] as string[], err: [] as string[] };
    const out = jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.out.push(line));
    const err = jest.spyOn(console, 'error').mockImplementation((line: string) => void printed.err.push(line));
    const done = tailArchive({ prefix: 'alerts/', json: true, pollMs: 100, ...options }).finally(() => {
      out.mockRestore();
      err.mockRestore();
    });
    return { printed, done };
  }

  it('says where S3 could not be reached (is the forwarder running?) and exits 1 when nothing listens', async () => {
    const where = `http://127.0.0.1:${await closedPort()}`;
    // In its own process: under jest, Node's socket errors come from another realm and the SDK wraps them without their code.
    const { code, stderr } = await spawnedCli(['tail', '--bucket', 'any', '--endpoint', where, '--timeout', '5']);
    expect(code).toBe(1);
    expect(stderr).toContain(`Could not reach S3 at ${where}. Is the forwarder running (npm start)?`);
  });

  it('keeps following through a failed listing: says so, lists again, and prints what came meanwhile', async () => {
    const bucket = await freshBucket(s3);
    const proxy = await startFaultProxy(endpoint);
    proxy.plan(['pass', 'pass', 'pass'], 'error500'); // the first round's three partitions, then S3 fails
    const { printed, done } = tailed({ s3: localS3Client(proxy.endpoint), bucket, where: proxy.endpoint, max: 1, timeoutSeconds: 20 });
    try {
      expect(await until(() => printed.err.some((line) => line.startsWith('Could not list the archive')), 10_000)).toBe(true);
      await archiveAlert(bucket, 0, 200);
      proxy.plan([], 'pass');
      expect(await done).toBe(0);
      expect(printed.out.map((line) => (JSON.parse(line) as { alert: { alertId: string } }).alert.alertId)).toEqual(['watch-200']);
      expect(printed.err.find((line) => line.startsWith('Could not list'))).toMatch(/^Could not list the archive \(\w+\); trying again\.$/);
    } finally {
      // Whatever failed above, tail has stopped (and put the console back) before the next test.
      await done.catch(() => undefined);
      await proxy.close();
    }
  });

  it.each([
    ['the first listing', [] as Fault[]],
    ['a later listing', ['pass', 'pass', 'pass'] as Fault[]],
  ])('stops at --timeout, exit 0, while %s hangs, without reporting the cut listing as a failure', async (_name, before) => {
    const bucket = await freshBucket(s3);
    const proxy = await startFaultProxy(endpoint);
    proxy.plan(before, 'hang');
    const started = Date.now();
    const { printed, done } = tailed({ s3: localS3Client(proxy.endpoint), bucket, where: proxy.endpoint, timeoutSeconds: 2 });
    try {
      expect(await done).toBe(0);
      expect(Date.now() - started).toBeLessThan(6_000);
      expect(proxy.seen).toContain('hang');
      expect(printed.err.filter((line) => !line.startsWith('Following'))).toEqual([]);
      expect(printed.out).toEqual([]);
    } finally {
      await done.catch(() => undefined);
      await proxy.close();
    }
  });
});

describe('help', () => {
  it('says take removes what it prints, and tail touches no queue', async () => {
    const { stdout } = await cli(['help']);
    expect(stdout).toMatch(/\n {2}take \[--queue-url URL[^\n]*\n {6}REMOVES messages from a queue/);
    expect(stdout).toContain('no queue is touched');
  });
});
