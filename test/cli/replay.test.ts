/**
 * `replay` against fauxqs's real S3 and SQS: alerts archived as the receiver archives them are
 * sent again for a time window, each exactly once, with the attributes the receiver would give them,
 * worked out here independently (the alert's own fields, SHA-256 of the body); objects that are not
 * what the archive wrote (planted, renamed, overwritten) are refused, named and never sent.
 */
import { createHash } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import {
  archiveS3Client,
  REPLAY_ARGS,
  REPLAY_HELP,
  type ReplayOptions,
  type ReplayProgress,
  replayRequest,
  replaySummaryLines,
  runReplay,
} from '../../cli/replay';
import { SEVERITIES } from '../../functions/core/routes';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localS3Client, localSqsClient } from '../../functions/runtime/local-aws';
import { baseAlert } from '../corpus/panther-payloads';
import { cli } from '../support/cli';
import { archiveAsReceiver, freshBucket, freshQueue } from '../support/archive';
import { startFaultProxy } from '../support/fault-proxy';
import { startSqsServer, stopAll, type RunningProcess } from '../support/processes';
import { attributesOf, drainQueue } from '../support/queue';
import { partitionByIso } from '../support/utc-partition';
import { withEnv } from '../support/with-env';

const HOUR = 3_600_000;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const two = (n: number) => String(n).padStart(2, '0');

interface Archived {
  readonly n: number;
  readonly instant: number;
  readonly body: string;
  readonly alert: { id: string; severity: string; type: string; alertId: string; createdAt: string };
}

/** An instant written in a zone `minutes` east of UTC, as Panther may write createdAt. */
function inZone(instant: number, minutes: number): string {
  const local = new Date(instant + minutes * 60_000).toISOString().slice(0, 19);
  if (minutes === 0) return `${local}Z`;
  const sign = minutes > 0 ? '+' : '-';
  return `${local}${sign}${two(Math.floor(Math.abs(minutes) / 60))}:${two(Math.abs(minutes) % 60)}`;
}

/** Twenty alerts 2.5 h apart from 2024-05-01T20:00:13Z, in four zones, of every severity, three types and four detections. */
const T0 = Date.UTC(2024, 4, 1, 20, 0, 13);
const ALERTS: readonly Archived[] = Array.from({ length: 20 }, (_, n) => {
  const instant = T0 + n * 2.5 * HOUR;
  const alert = {
    id: `Replay.Detection${n % 4}`,
    createdAt: inZone(instant, [0, 120, -330, 60][n % 4]!),
    severity: SEVERITIES[n % SEVERITIES.length]!,
    type: ['RULE', 'POLICY', 'SCHEDULED_RULE'][n % 3]!,
    alertId: `replay-${two(n)}`,
  };
  return { n, instant, alert, body: JSON.stringify(baseAlert({ ...alert, title: `Replay #${n}` })) };
});

/** From inside hour 22 of 1 May (alert 1 is earlier in it) to alert 13's own instant (excluded, in hour 04 of 3 May). */
const SINCE = Date.UTC(2024, 4, 1, 22, 50);
const UNTIL = ALERTS[13]!.instant;
const inWindow = (a: Archived) => a.instant >= SINCE && a.instant < UNTIL;
/** In the hours the replay lists (the window's hours, whole). */
const inListedHours = (a: Archived) => a.instant >= Math.floor(SINCE / HOUR) * HOUR && a.instant < Math.ceil(UNTIL / HOUR) * HOUR;

let server: RunningProcess;
let endpoint: string;
let s3: S3Client;
let sqs: SQSClient;
let bucket: string;

/** Archives bodies into a bucket as the receiver does: its key, the exact bytes, its metadata, a conditional write. */
async function archive(into: string, bodies: readonly string[]): Promise<void> {
  await archiveAsReceiver(endpoint, into, bodies);
}

beforeAll(async () => {
  server = await startSqsServer();
  endpoint = server.printed['SQS endpoint']!;
  s3 = localS3Client(endpoint);
  sqs = localSqsClient(endpoint);
  bucket = await freshBucket(s3);
  await archive(
    bucket,
    ALERTS.map((a) => a.body),
  );
});
afterAll(async () => {
  s3.destroy();
  sqs.destroy();
  await stopAll();
});

/** Runs a replay of the shared archive, keeping its progress events. */
async function replay(options: Partial<ReplayOptions> & Pick<ReplayOptions, 'to'>, env: NodeJS.ProcessEnv = {}) {
  const events: ReplayProgress[] = [];
  const summary = await runReplay(
    { since: new Date(SINCE), until: new Date(UNTIL), bucket, s3, sqs, progress: (event) => events.push(event), ...options },
    env,
  );
  return { summary, events };
}

/** What the receiver would have set, from the alert's own fields, and the replay's run. */
const expectedAttributes = (a: Archived) => ({
  severity: a.alert.severity,
  type: a.alert.type,
  detectionId: a.alert.id,
  alertId: a.alert.alertId,
  dedupKey: sha256(a.body),
  replayRun: expect.stringMatching(/^[0-9a-f-]{36}$/),
});

/** Every message on the queue (reading one more than expected, to see any extra). */
const everything = (queueUrl: string, expected: number) => drainQueue(sqs, queueUrl, { expected: expected + 1, idleReceives: 2 });

function expectExactlyOnce(messages: readonly Message[], expected: readonly Archived[]): void {
  expect(messages.map((m) => m.Body).sort()).toEqual(expected.map((a) => a.body).sort());
  expect(new Set(messages.map((m) => attributesOf(m).replayRun)).size).toBeLessThanOrEqual(1); // one run, one id
  for (const message of messages) {
    const archived = expected.find((a) => a.body === message.Body)!;
    expect(attributesOf(message)).toEqual(expectedAttributes(archived));
  }
}

describe('replay', () => {
  it('sends each alert created in [since, until) exactly once, with the attributes the receiver would set', async () => {
    const expected = ALERTS.filter(inWindow);
    expect(expected.length).toBeGreaterThan(5);
    const to = await freshQueue(sqs);
    const { summary, events } = await replay({ to });

    expectExactlyOnce(await everything(to, expected.length), expected);
    const skipped = ALERTS.filter((a) => inListedHours(a) && !inWindow(a));
    expect(skipped.map((a) => a.n)).toEqual([1, 13]);
    expect(summary).toEqual({ matched: expected.length, sent: expected.length, skippedByFilter: skipped.length, refused: [], failed: [] });
    expect(events.filter((e) => e.outcome === 'sent')).toHaveLength(expected.length);
    expect(new Set(events.map((e) => e.key)).size).toBe(events.length);
  });

  it('keeps only the severities and types asked for', async () => {
    const expected = ALERTS.filter((a) => inWindow(a) && ['HIGH', 'CRITICAL'].includes(a.alert.severity) && a.alert.type === 'RULE');
    expect(expected.length).toBeGreaterThan(0);
    const to = await freshQueue(sqs);
    const { summary } = await replay({ to, severity: ['HIGH', 'CRITICAL'], type: ['RULE'] });
    expectExactlyOnce(await everything(to, expected.length), expected);
    expect(summary).toMatchObject({ sent: expected.length, skippedByFilter: ALERTS.filter(inListedHours).length - expected.length });
  });

  it('sends nothing on a dry run, and says what it would send', async () => {
    const expected = ALERTS.filter(inWindow);
    const to = await freshQueue(sqs);
    const { summary, events } = await replay({ to, dryRun: true });
    expect(summary).toEqual({ matched: expected.length, sent: 0, skippedByFilter: 2, refused: [], failed: [] });
    expect(events.filter((e) => e.outcome === 'would-send')).toHaveLength(expected.length);
    expect(await drainQueue(sqs, to, { idleReceives: 1 })).toEqual([]);
    expect(replaySummaryLines(summary, true)).toEqual([
      `Dry run: ${expected.length} alert(s) would be sent; 2 outside the window or filters.`,
    ]);
  });

  it('into a FIFO queue: one group per detection in createdAt order, and a second run is not eaten by the deduplication window', async () => {
    const expected = ALERTS.filter(inWindow);
    const to = await freshQueue(sqs, { FifoQueue: 'true', ContentBasedDeduplication: 'false' }, '.fifo');
    const runs: Message[][] = [];
    for (let run = 0; run < 2; run += 1) {
      expect((await replay({ to })).summary).toMatchObject({ sent: expected.length, failed: [] });
      runs.push(await everything(to, expected.length));
    }
    for (const messages of runs) {
      expectExactlyOnce(messages, expected);
      for (const message of messages) {
        const archived = expected.find((a) => a.body === message.Body)!;
        expect(message.Attributes?.MessageGroupId).toBe(archived.alert.id);
        expect(message.Attributes?.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
      }
      const groups = new Map<string, number[]>();
      for (const message of messages) {
        const archived = expected.find((a) => a.body === message.Body)!;
        groups.set(archived.alert.id, [...(groups.get(archived.alert.id) ?? []), archived.instant]);
      }
      for (const instants of groups.values()) expect(instants).toEqual([...instants].sort((a, b) => a - b));
    }
    const ids = (messages: Message[]) => new Set(messages.map((m) => m.Attributes?.MessageDeduplicationId));
    expect([...ids(runs[0]!)].filter((id) => ids(runs[1]!).has(id))).toEqual([]);
  });

  it('into FIFO, sends no later alert of a detection whose alert could not be sent (order kept), and names each', async () => {
    const expected = ALERTS.filter(inWindow);
    const victim = expected[0]!;
    const to = await freshQueue(sqs, { FifoQueue: 'true', ContentBasedDeduplication: 'false' }, '.fifo');
    const proxy = await startFaultProxy(endpoint);
    const through = localSqsClient(proxy.endpoint);
    try {
      proxy.chooseBy((body) => (body.includes(victim.alert.alertId) ? 'error500' : undefined));
      const { summary } = await replay({ to, sqs: through });
      const sameDetection = expected.filter((a) => a.alert.id === victim.alert.id);
      expect(sameDetection.length).toBeGreaterThan(1);
      expect(summary.failed.map((failure) => failure.key).sort()).toEqual(
        sameDetection.map((a) => `alerts/${partitionByIso(a.instant)}${sha256(a.body)}.json`).sort(),
      );
      expect(summary.failed.filter((failure) => failure.reason.startsWith('not sent: an earlier alert'))).toHaveLength(
        sameDetection.length - 1,
      );
      const others = expected.filter((a) => a.alert.id !== victim.alert.id);
      expect((await everything(to, others.length)).map((m) => m.Body).sort()).toEqual(others.map((a) => a.body).sort());
    } finally {
      through.destroy();
      await proxy.close();
    }
  });

  it("sends a detection's alerts of one hour into a FIFO queue in createdAt order, whatever order their keys list in", async () => {
    const own = await freshBucket(s3);
    const start = Date.UTC(2024, 6, 1, 9, 0, 7);
    const bodies = Array.from({ length: 6 }, (_, n) =>
      JSON.stringify(baseAlert({ id: 'Replay.Ordered', createdAt: inZone(start + n * 7 * 60_000, 60), alertId: `ordered-${n}` })),
    );
    // The premise: listed by key (their hashes), they would go out in another order.
    expect([...bodies].sort((a, b) => (sha256(a) < sha256(b) ? -1 : 1))).not.toEqual(bodies);
    await archive(own, bodies);
    const to = await freshQueue(sqs, { FifoQueue: 'true', ContentBasedDeduplication: 'false' }, '.fifo');
    const window = { since: new Date(start - 7_000), until: new Date(start - 7_000 + HOUR) };
    expect((await replay({ to, bucket: own, ...window })).summary).toMatchObject({ sent: bodies.length, failed: [] });
    expect((await everything(to, bodies.length)).map((m) => m.Body)).toEqual(bodies);
  });

  it('reports every genuine object that is not an alert, by key, sends the rest, and fails the run', async () => {
    const own = await freshBucket(s3);
    const good = ALERTS.filter(inWindow).slice(0, 3);
    await archive(
      own,
      good.map((a) => a.body),
    );
    // Named and labelled as the archive would name them, but not alerts.
    const badBodies = ['not json at all', JSON.stringify(baseAlert({ createdAt: '2024-05-02T07:00:00Z', severity: 'URGENT' }))];
    const bad = Object.fromEntries(badBodies.map((body, n) => [`alerts/dt=2024-05-02/hour=0${n * 6 + 1}/${sha256(body)}.json`, body]));
    for (const [key, body] of Object.entries(bad)) {
      await s3.send(new PutObjectCommand({ Bucket: own, Key: key, Body: body, Metadata: { dedupkey: sha256(body) } }));
    }
    const to = await freshQueue(sqs);
    const { summary, events } = await replay({ to, bucket: own });

    expect(summary.refused).toEqual([]);
    expect(summary.failed.map((f) => f.key).sort()).toEqual(Object.keys(bad).sort());
    expect(summary.failed.every((f) => f.reason.startsWith('is not a Panther alert'))).toBe(true);
    expect(summary.failed.find((f) => f.key.includes('hour=07'))?.reason).toContain('severity');
    expect(summary.sent).toBe(good.length);
    expectExactlyOnce(await everything(to, good.length), good);
    expect(
      events
        .filter((e) => e.outcome === 'failed')
        .map((e) => e.key)
        .sort(),
    ).toEqual(Object.keys(bad).sort());
    const lines = replaySummaryLines(summary, false);
    expect(lines[1]).toBe('2 object(s) failed:');
    for (const key of Object.keys(bad)) expect(lines.some((line) => line.includes(key))).toBe(true);
  });

  describe('refuses what the archive did not write there', () => {
    const day = Date.UTC(2026, 2, 3);
    const alertAt = (hour: number, n: number, extra: Record<string, unknown> = {}) =>
      JSON.stringify(
        baseAlert({
          id: `Verify.Detection${n % 2}`,
          createdAt: new Date(day + hour * HOUR + n * 60_000).toISOString(),
          alertId: `verify-${n}`,
          ...extra,
        }),
      );
    const keyOf = (hour: number, body: string) => `alerts/dt=2026-03-03/hour=${two(hour)}/${sha256(body)}.json`;
    const put = (bucketName: string, key: string, body: string, metadata: Record<string, string> = {}) =>
      s3.send(new PutObjectCommand({ Bucket: bucketName, Key: key, Body: body, Metadata: metadata }));

    let own: string;
    let genuine: Archived[];
    let refusedKeys: Record<string, RegExp>;
    beforeAll(async () => {
      own = await freshBucket(s3);
      const bodies = [alertAt(1, 0), alertAt(5, 1), alertAt(5, 2, { severity: 'CRITICAL' }), alertAt(17, 3)];
      await archive(own, bodies);
      // A createdAt no partition names: the writer places it by arrival, and says so.
      const ancient = JSON.stringify(baseAlert({ id: 'Verify.Ancient', createdAt: '1969-07-20T20:17:40Z', alertId: 'verify-ancient' }));
      await archiveAsReceiver(endpoint, own, [ancient], { arrivalMs: day + 9 * HOUR + 5 * 60_000 });
      genuine = [...bodies, ancient].map((body, n) => {
        const alert = JSON.parse(body) as Archived['alert'];
        return { n, instant: Date.parse(alert.createdAt), body, alert };
      });

      const planted = alertAt(5, 10, { severity: 'CRITICAL' });
      const renamed = alertAt(6, 11);
      const overwritten = alertAt(7, 12);
      const overwriting = alertAt(7, 13, { severity: 'CRITICAL' });
      const [unlabelled, mislabelled, misplaced, badHour] = [alertAt(8, 14), alertAt(8, 15), alertAt(10, 16), alertAt(11, 17)];
      const falselyArrived = alertAt(13, 18);
      const ancientUnmarked = JSON.stringify(
        baseAlert({ id: 'Verify.Ancient', createdAt: '1969-07-20T20:17:41Z', alertId: 'verify-unmarked' }),
      );
      refusedKeys = {
        [`alerts/dt=2026-03-03/hour=05/${'0'.repeat(64)}.json`]: /not the SHA-256 of its bytes/,
        [keyOf(6, overwriting)]: /not the SHA-256 of its bytes/,
        [keyOf(7, overwritten)]: /not the SHA-256 of its bytes/,
        [keyOf(8, unlabelled)]: /no dedupkey metadata/,
        [keyOf(8, mislabelled)]: /dedupkey metadata .* is not its name/,
        [keyOf(12, misplaced)]: /misplaced: its createdAt belongs under dt=2026-03-03\/hour=10\//,
        [`alerts/dt=2026-03-03/hour=24/${sha256(badHour)}.json`]: /not a real date and hour/,
        [keyOf(13, falselyArrived)]: /misplaced: its placement metadata says arrival, but its createdAt names dt=2026-03-03\/hour=13\//,
        [keyOf(14, ancientUnmarked)]: /misplaced: its createdAt belongs under dt=1969-07-20\/hour=20\//,
        [`alerts/dt=2026-03-03/hour=11/${sha256(badHour).toUpperCase()}.json`]: /outside the archive's layout/,
      };
      const label = (body: string) => ({ dedupkey: sha256(body) });
      // Planted: a CRITICAL alert under a name of zeros, with no metadata.
      await put(own, `alerts/dt=2026-03-03/hour=05/${'0'.repeat(64)}.json`, planted);
      // Renamed: a genuine object's bytes and metadata under another body's hash (no write-once on fauxqs).
      await put(own, keyOf(6, overwriting), renamed, label(renamed));
      // Overwritten: a genuine key, written again with other bytes.
      await archive(own, [overwritten]);
      await put(own, keyOf(7, overwritten), overwriting, label(overwritten));
      await put(own, keyOf(8, unlabelled), unlabelled);
      await put(own, keyOf(8, mislabelled), mislabelled, label(overwritten));
      await put(own, keyOf(12, misplaced), misplaced, label(misplaced));
      await put(own, `alerts/dt=2026-03-03/hour=24/${sha256(badHour)}.json`, badHour, label(badHour));
      await put(own, keyOf(13, falselyArrived), falselyArrived, { ...label(falselyArrived), placement: 'arrival' });
      await put(own, keyOf(14, ancientUnmarked), ancientUnmarked, label(ancientUnmarked));
      await put(own, `alerts/dt=2026-03-03/hour=11/${sha256(badHour).toUpperCase()}.json`, badHour, label(badHour));
    });

    const window = { since: new Date(day), until: new Date(day + 24 * HOUR) };

    it('names each with its reason, sends none of them, and every genuine alert once', async () => {
      const to = await freshQueue(sqs);
      const { summary, events } = await replay({ to, bucket: own, ...window });
      expect(Object.fromEntries(summary.refused.map((r) => [r.key, r.reason]))).toEqual(
        Object.fromEntries(Object.entries(refusedKeys).map(([key, reason]) => [key, expect.stringMatching(reason)])),
      );
      expect(summary).toMatchObject({ sent: genuine.length, matched: genuine.length, failed: [] });
      expect(
        events
          .filter((e) => e.outcome === 'refused')
          .map((e) => e.key)
          .sort(),
      ).toEqual(Object.keys(refusedKeys).sort());
      expectExactlyOnce(await everything(to, genuine.length), genuine);
    });

    it('into FIFO as well', async () => {
      const to = await freshQueue(sqs, { FifoQueue: 'true', ContentBasedDeduplication: 'false' }, '.fifo');
      const { summary } = await replay({ to, bucket: own, ...window });
      expect(summary.refused.map((r) => r.key).sort()).toEqual(Object.keys(refusedKeys).sort());
      expectExactlyOnce(await everything(to, genuine.length), genuine);
    });

    it('the command prints the same verdicts with --dry-run and without, sends the genuine ones, and exits 1', async () => {
      const to = await freshQueue(sqs);
      const args = ['replay', '--since', '2026-03-03', '--until', '2026-03-04', '--to', to, '--bucket', own, '--endpoint', endpoint];
      const refusedLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('refused '));
      const dry = await cli([...args, '--dry-run']);
      expect(dry.code).toBe(1);
      expect(await drainQueue(sqs, to, { idleReceives: 1 })).toEqual([]);
      const real = await cli(args);
      expect(real.code).toBe(1);
      for (const run of [dry, real]) {
        expect(refusedLines(run.stderr).sort()).toEqual(refusedLines(real.stderr).sort());
        for (const [key, reason] of Object.entries(refusedKeys)) {
          expect(refusedLines(run.stderr).find((line) => line.startsWith(`refused ${key}: `))).toMatch(reason);
          expect(run.stdout).toContain(`  ${key} `);
        }
      }
      expect(dry.stderr.split('\n').filter((line) => line.startsWith('would-send '))).toHaveLength(genuine.length);
      expect(real.stdout).toContain(`${Object.keys(refusedKeys).length} object(s) refused`);
      expectExactlyOnce(await everything(to, genuine.length), genuine);
    });
  });

  it('reports an object S3 would not hand over', async () => {
    const [only] = ALERTS.filter(inWindow);
    const hourOf = Math.floor(only!.instant / HOUR) * HOUR;
    const proxy = await startFaultProxy(endpoint);
    const broken = localS3Client(proxy.endpoint);
    try {
      // The listing goes through; every GetObject attempt gets a 500.
      proxy.plan(['pass'], 'error500');
      const to = await freshQueue(sqs);
      const { summary } = await replay({ to, s3: broken, since: new Date(hourOf), until: new Date(hourOf + HOUR) });
      expect(summary.failed).toEqual([
        {
          key: `alerts/${partitionByIso(only!.instant)}${sha256(only!.body)}.json`,
          reason: expect.stringMatching(/^could not be read/),
        },
      ]);
      expect(summary.sent).toBe(0);
      expect(proxy.seen.filter((fault) => fault === 'error500')).toHaveLength(3);
    } finally {
      broken.destroy();
      await proxy.close();
    }
  });

  it('reads the bucket from ARCHIVE_BUCKET, and S3 from AWS_ENDPOINT_URL_S3 when no endpoint is given', async () => {
    const expected = ALERTS.filter(inWindow);
    const standard = {
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    };
    await withEnv(standard, async () => {
      const client = archiveS3Client();
      try {
        const to = await freshQueue(sqs);
        const { summary } = await replay({ to, s3: client, bucket: undefined }, { ARCHIVE_BUCKET: bucket });
        expect(summary).toMatchObject({ sent: expected.length, failed: [] });
        expectExactlyOnce(await everything(to, expected.length), expected);
      } finally {
        client.destroy();
      }
    });
  });

  it('needs a bucket and a window that is not empty', async () => {
    const to = await freshQueue(sqs);
    await expect(replay({ to, bucket: undefined })).rejects.toThrow('ARCHIVE_BUCKET');
    await expect(replay({ to, until: new Date(SINCE) })).rejects.toThrow('since must be before until');
  });
});

describe('replay options', () => {
  const now = new Date('2024-06-01T12:00:00Z');

  it('reads dates as UTC midnight, times with their zone, lists by repetition or commas, and until as now by default', () => {
    expect(
      replayRequest(
        { since: '2024-05-01', to: 'https://sqs.eu-west-1.amazonaws.com/1/q', severity: ['HIGH,CRITICAL'], type: ['RULE'] },
        now,
      ),
    ).toEqual({
      since: new Date('2024-05-01T00:00:00Z'),
      until: now,
      to: 'https://sqs.eu-west-1.amazonaws.com/1/q',
      severity: ['HIGH', 'CRITICAL'],
      type: ['RULE'],
      dryRun: false,
      bucket: undefined,
      prefix: undefined,
      endpoint: undefined,
    });
    expect(replayRequest({ since: '2024-05-01T15:00:00+02:00', until: '2024-05-02', to: 'http://127.0.0.1:1/q' }, now)).toMatchObject({
      since: new Date('2024-05-01T13:00:00Z'),
      until: new Date('2024-05-02T00:00:00Z'),
    });
  });

  it.each([
    [{ to: 'http://127.0.0.1:1/q' }, '--since'],
    [{ since: '2024-05-01' }, '--to'],
    [{ since: '2024-05-01T10:00:00', to: 'http://127.0.0.1:1/q' }, '--since must be a date'],
    [{ since: '2024-05-01', until: '2024-04-30', to: 'http://127.0.0.1:1/q' }, 'before --until'],
    [{ since: '2024-05-01', to: 'http://127.0.0.1:1/q', severity: ['HIHG'] }, 'is not one of INFO'],
    [{ since: '2024-05-01', to: 'http://127.0.0.1:1/q', type: ['rule'] }, 'not an alert type'],
    [{ since: '2024-05-01', to: 'http://127.0.0.1:1/q', prefix: 'Alerts' }, '--prefix'],
  ])('refuses %j, naming %s', (values, message) => {
    expect(() => replayRequest(values, now)).toThrow(message);
  });

  it('documents every option it takes', () => {
    for (const option of Object.keys(REPLAY_ARGS)) expect(REPLAY_HELP).toContain(`--${option}`);
  });
});
