/**
 * The archive processor against fauxqs's real S3 over HTTP: alerts go on a real archive queue as the
 * receiver sends them, come back as Lambda would hand them over, and are read back from the bucket.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { ArchiveConfig } from '../../functions/core/archive-config';
import { decodeMetadataValue, METADATA_NAMES } from '../../functions/core/archive-object';
import { archiveProcessorDependencies, createArchiveProcessor } from '../../functions/runtime/create-archive-processor';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localS3Client, localSqsClient } from '../../functions/runtime/local-aws';
import { type ArchiveRecord, archiveLogLine } from '../../functions/runtime/request-log';
import { baseAlert, distinctAlerts, pantherExamples, VALID_CASES } from '../corpus/panther-payloads';
import { batchesOf, freshBucket, freshQueue, keysIn, receiveRecords, sendAsReceiver } from '../support/archive';
import { startFaultProxy } from '../support/fault-proxy';
import { ROOT, startSqsServer, stopAll, type RunningProcess } from '../support/processes';
import { parsedByDate, partitionByIso } from '../support/utc-partition';

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

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** The processor as the Lambda wires it (its own S3 client, with deadlines), talking to `s3Endpoint`; its log kept. */
function processor(bucket: string, s3Endpoint = endpoint) {
  const config: ArchiveConfig = { bucket, prefix: 'alerts/', requestLog: false, metricsScope: 'test' };
  const log: ArchiveRecord[] = [];
  const dependencies = archiveProcessorDependencies(config, { endpoint: s3Endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  return { handle: createArchiveProcessor(config, { ...dependencies, log: (record) => log.push(record) }), log };
}

/** Puts the bodies on a fresh archive queue as the receiver would, and returns them as Lambda hands them over. */
async function throughTheQueue(bodies: readonly (Buffer | string)[]): Promise<SQSRecord[]> {
  const queueUrl = await freshQueue(sqs);
  for (const body of bodies) await sendAsReceiver(sqs, queueUrl, body);
  return receiveRecords(sqs, queueUrl, bodies.length);
}

async function objectOf(bucket: string, key: string) {
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return { bytes: Buffer.from(await got.Body!.transformToByteArray()), contentType: got.ContentType, metadata: got.Metadata ?? {} };
}

describe('the archive processor', () => {
  it('archives every corpus alert byte for byte under its createdAt hour and hash, with its routing attributes as metadata', async () => {
    const cases = [
      ...pantherExamples(),
      ...VALID_CASES,
      { name: 'a non-ASCII detection id', body: Buffer.from(JSON.stringify(baseAlert({ id: 'Règle.Übung 🚨', alertId: 'ä/ö' }))) },
    ];
    const bucket = await freshBucket(s3);
    const records = await throughTheQueue(cases.map((c) => c.body));
    const { handle } = processor(bucket);
    for (const event of batchesOf(records)) expect(await handle(event)).toEqual({ batchItemFailures: [] });

    const keys = await keysIn(s3, bucket);
    expect(keys).toHaveLength(new Set(records.map((record) => record.body)).size);
    for (const record of records) {
      const { name } = cases.find((c) => sha256(c.body) === sha256(record.body)) ?? { name: 'a body SQS text changed' };
      const createdAt = (JSON.parse(record.body) as { createdAt: string }).createdAt;
      const key = `alerts/${partitionByIso(parsedByDate(createdAt))}${sha256(record.body)}.json`;
      expect({ name, listed: keys.includes(key) }).toEqual({ name, listed: true });
      const stored = await objectOf(bucket, key);
      expect(stored.bytes.equals(Buffer.from(record.body, 'utf8'))).toBe(true);
      expect(stored.contentType).toBe('application/json');
      const sent = Object.fromEntries(
        Object.entries(record.messageAttributes).map(([attribute, value]) => [
          METADATA_NAMES[attribute as keyof typeof METADATA_NAMES],
          value.stringValue,
        ]),
      );
      const metadata = Object.fromEntries(Object.entries(stored.metadata).map(([field, value]) => [field, decodeMetadataValue(value)]));
      expect({ name, metadata }).toEqual({ name, metadata: { ...sent, dedupkey: sha256(record.body) } });
    }
    // The queue carried each body as Panther sent it, but for the one documented case (raw U+FFFF as a JSON escape).
    const changed = cases.filter((c) => !records.some((record) => Buffer.from(record.body, 'utf8').equals(c.body)));
    expect(changed.map((c) => c.name)).toEqual(['a raw U+FFFF inside a string']);
  });

  it('writes one object per delivery: a Panther retry (even hours later) and an SQS duplicate land on it, a "[Re-sent]" gets its own', async () => {
    const [alert] = distinctAlerts(1, 'retried');
    const resent = JSON.stringify({ ...JSON.parse(alert!), title: `[Re-sent] ${JSON.parse(alert!).title}` });
    const bucket = await freshBucket(s3);
    const records = await throughTheQueue([alert!, alert!, resent]);
    const [first, retry] = records.filter((record) => record.body === alert);
    const resentRecord = records.find((record) => record.body === resent)!;
    const laterRetry: SQSRecord = { ...retry!, attributes: { ...retry!.attributes, SentTimestamp: String(Date.now() + 5 * 3_600_000) } };
    const { handle, log } = processor(bucket);
    expect(await handle({ Records: [first!, laterRetry, resentRecord] })).toEqual({ batchItemFailures: [] });
    // SQS delivering one message twice: the same record again, in a later batch.
    expect(await handle({ Records: [first!] })).toEqual({ batchItemFailures: [] });
    expect(log.map((record) => record.outcome)).toEqual(['archived', 'archived', 'archived', 'archived']);

    expect((await keysIn(s3, bucket)).sort()).toEqual(
      [`alerts/dt=2020-10-13/hour=03/${sha256(alert!)}.json`, `alerts/dt=2020-10-13/hour=03/${sha256(resent)}.json`].sort(),
    );
    expect((await objectOf(bucket, `alerts/dt=2020-10-13/hour=03/${sha256(resent)}.json`)).bytes.toString()).toBe(resent);
  });

  it('reports exactly the record whose write failed, writes the others, and writes it when SQS delivers it again', async () => {
    const bodies = distinctAlerts(5, 'faulty');
    const victim = bodies[2]!;
    const victimAlertId = (JSON.parse(victim) as { alertId: string }).alertId;
    const bucket = await freshBucket(s3);
    const records = await throughTheQueue(bodies);
    const victimRecord = records.find((record) => record.body === victim)!;
    const proxy = await startFaultProxy(endpoint);
    try {
      // Every attempt to write the victim fails (S3 answers 500); every other request goes through.
      proxy.chooseBy((body) => (body.includes(victimAlertId) ? 'error500' : undefined));
      const { handle, log } = processor(bucket, proxy.endpoint);
      expect(await handle({ Records: records })).toEqual({ batchItemFailures: [{ itemIdentifier: victimRecord.messageId }] });
      expect(proxy.seen.filter((fault) => fault === 'error500')).toHaveLength(3);
      const victimKey = `alerts/dt=2020-10-13/hour=03/${sha256(victim)}.json`;
      expect((await keysIn(s3, bucket)).sort()).toEqual(
        bodies
          .filter((body) => body !== victim)
          .map((body) => `alerts/dt=2020-10-13/hour=03/${sha256(body)}.json`)
          .sort(),
      );
      const failed = log.filter((record) => record.outcome === 'failed');
      expect(failed).toEqual([expect.objectContaining({ messageId: victimRecord.messageId, key: victimKey, error: expect.any(String) })]);
      expect(log.filter((record) => record.outcome === 'archived')).toHaveLength(4);
      // The failure is a metric as well as a line, so the construct can alarm on it.
      const line = JSON.parse(archiveLogLine(failed[0]!, 'test')) as Record<string, unknown>;
      expect(line).toMatchObject({ level: 'ERROR', ArchiveFailures: 1, Forwarder: 'test' });

      proxy.chooseBy(undefined);
      expect(await handle({ Records: [victimRecord] })).toEqual({ batchItemFailures: [] });
      expect((await objectOf(bucket, victimKey)).bytes.toString()).toBe(victim);
    } finally {
      await proxy.close();
    }
  });

  it('writes once: every write is conditional (If-None-Match: *), and S3 saying the object is there already (412) is a success', async () => {
    const [body] = distinctAlerts(1, 'write-once');
    const bucket = await freshBucket(s3);
    const records = await throughTheQueue([body!]);
    const proxy = await startFaultProxy(endpoint);
    const conditional: string[] = [];
    try {
      proxy.chooseBy((requestBody) => (requestBody.includes('write-once') ? 'precondition-failed' : undefined));
      proxy.onRequest((headers) => conditional.push(String(headers['if-none-match'])));
      const { handle, log } = processor(bucket, proxy.endpoint);
      expect(await handle({ Records: records })).toEqual({ batchItemFailures: [] });
      expect(log.map((record) => record.outcome)).toEqual(['archived']);
      expect(conditional).toEqual(['*']);
    } finally {
      await proxy.close();
    }
  });

  it('keeps a body that is not an alert apart under invalid/, instead of failing on it for ever', async () => {
    const bucket = await freshBucket(s3);
    const queueUrl = await freshQueue(sqs);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'not an alert at all' }));
    const [record] = await receiveRecords(sqs, queueUrl, 1);
    const { handle, log } = processor(bucket);
    expect(await handle({ Records: [record!] })).toEqual({ batchItemFailures: [] });
    const key = `alerts/invalid/${partitionByIso(Number(record!.attributes.SentTimestamp))}${sha256('not an alert at all')}.txt`;
    expect(await keysIn(s3, bucket)).toEqual([key]);
    const stored = await objectOf(bucket, key);
    expect(stored).toMatchObject({ contentType: 'text/plain; charset=utf-8', metadata: { 'invalid-reason': 'not-json' } });
    expect(stored.bytes.toString()).toBe('not an alert at all');
    expect(log).toEqual([expect.objectContaining({ outcome: 'archived-invalid', reason: 'not-json', key })]);
  });

  it('shows the same metadata to HeadObject, without reading the body', async () => {
    const bucket = await freshBucket(s3);
    const [record] = await throughTheQueue([JSON.stringify(baseAlert({ severity: 'CRITICAL' }))]);
    expect(await processor(bucket).handle({ Records: [record!] })).toEqual({ batchItemFailures: [] });
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `alerts/dt=2020-10-13/hour=03/${sha256(record!.body)}.json` }));
    expect(head.Metadata).toMatchObject({ severity: 'CRITICAL', dedupkey: sha256(record!.body) });
  });

  it('runs as the built Lambda bundle: configuration from the environment, S3 from the standard variables', async () => {
    const bucket = await freshBucket(s3);
    const [record] = await throughTheQueue(distinctAlerts(1, 'bundled'));
    const script = `require(${JSON.stringify(join(ROOT, 'dist', 'lambda', 'archive-processor', 'index.js'))})
      .handler(${JSON.stringify({ Records: [record] })}).then((r) => console.log(JSON.stringify(r)))`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
      env: {
        PATH: process.env.PATH,
        ARCHIVE_BUCKET: bucket,
        METRICS_SCOPE: 'bundle-test',
        AWS_REGION: LOCAL_REGION,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_ENDPOINT_URL_S3: endpoint,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      timeout: 30_000,
    });
    const lines = stdout.trim().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toEqual({ batchItemFailures: [] });
    expect(JSON.parse(lines[0]!)).toMatchObject({ message: 'archive', outcome: 'archived', Archived: 1, Forwarder: 'bundle-test' });
    expect((await objectOf(bucket, `alerts/dt=2020-10-13/hour=03/${sha256(record!.body)}.json`)).bytes.toString()).toBe(record!.body);
  });

  it('refuses to start without a bucket', async () => {
    const script = `require(${JSON.stringify(join(ROOT, 'dist', 'lambda', 'archive-processor', 'index.js'))})`;
    const run = promisify(execFile)(process.execPath, ['-e', script], { env: { PATH: process.env.PATH }, timeout: 30_000 });
    await expect(run).rejects.toMatchObject({ stderr: expect.stringContaining('ARCHIVE_BUCKET must be an S3 bucket name') });
  });
});
