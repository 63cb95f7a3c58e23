/**
 * Replay in bounded memory: a day of 1,000,000 alerts must replay in a heap under 256 MB, about 270
 * bytes of heap per alert, far less than one alert's body. Scaled down: an archive day whose alerts'
 * bytes alone are more than the child's whole heap (`--max-old-space-size`), replayed by the real
 * command from fauxqs's S3 into a fauxqs queue. A replay that held a day's (or an hour's) bodies,
 * parsed or not, runs out of heap and the child dies; one that streams finishes and sends each once.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { inParallel } from '../../cli/in-parallel';
import { localS3Client, localSqsClient } from '../../functions/runtime/local-aws';
import { baseAlert } from '../corpus/panther-payloads';
import { archivedObjectOf, freshName, freshQueue } from '../support/archive';
import { ROOT, type RunningProcess, startSqsServer, stopAll } from '../support/processes';

/** The scale: alerts of about this many bytes each, 50 MB in all (two listing pages), replayed in a 32 MB heap (a day of a million 2.7 KB alerts is 2.7 GB, in 256 MB). */
const ALERTS = 1_050;
const ALERT_BYTES = 48_000;
const HEAP_MB = 32;
const DAY = Date.UTC(2025, 0, 2);

let server: RunningProcess;
let endpoint: string;
let s3: S3Client;
let sqs: SQSClient;
let bucket: string;

/**
 * PUT with bare HTTP (fauxqs asks for no signature): the SDK's cost per request would make writing the
 * archive take longer than replaying it.
 */
async function seed(): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const pad = 'p'.repeat(ALERT_BYTES);
  try {
    await inParallel(
      Array.from({ length: ALERTS }, (_, n) => n),
      8,
      (n) => {
        const createdAt = new Date(DAY + Math.floor((n * 86_400_000) / ALERTS)).toISOString();
        const body = JSON.stringify(
          baseAlert({ id: `Memory.Detection${n % 40}`, createdAt, alertId: `memory-${n}`, alertContext: { pad } }),
        );
        const { object } = archivedObjectOf(body);
        const headers = Object.fromEntries(Object.entries(object.metadata).map(([name, value]) => [`x-amz-meta-${name}`, value]));
        return new Promise<void>((done, failed) => {
          const put = request(
            `${endpoint}/${bucket}/${object.key}`,
            { method: 'PUT', agent, headers: { 'content-type': object.contentType, ...headers } },
            (answer) => {
              answer.resume();
              answer.on('end', () => (answer.statusCode === 200 ? done() : failed(new Error(`PUT ${object.key}: ${answer.statusCode}`))));
            },
          );
          put.on('error', failed);
          put.end(body);
        });
      },
    );
  } finally {
    agent.destroy();
  }
}

/** The CLI in its own process with a capped heap; the exit code, or the signal that killed it. */
function replayWithHeap(args: readonly string[]): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${HEAP_MB}`, join(ROOT, 'cli', 'panther-forwarder.cjs'), 'replay', ...args],
    {
      cwd: ROOT,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  // Only the end of stderr: a line per object would be a large string in this process.
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 200_000);
  return new Promise((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
}

const waiting = async (queueUrl: string) =>
  Number(
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes
      ?.ApproximateNumberOfMessages,
  );

beforeAll(async () => {
  server = await startSqsServer();
  endpoint = server.printed['SQS endpoint']!;
  s3 = localS3Client(endpoint);
  sqs = localSqsClient(endpoint);
  bucket = freshName('memory');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await seed();
}, 120_000);
afterAll(async () => {
  s3.destroy();
  sqs.destroy();
  await stopAll();
});

describe('replay in bounded memory', () => {
  it.each([
    ['a standard queue', ''],
    ['a FIFO queue (createdAt order per detection)', '.fifo'],
  ])(
    'replays the whole day into %s, each alert once, within the capped heap',
    async (_, suffix) => {
      const to = await freshQueue(sqs, suffix ? { FifoQueue: 'true', ContentBasedDeduplication: 'false' } : {}, suffix);
      const run = await replayWithHeap([
        '--since',
        '2025-01-02',
        '--until',
        '2025-01-03',
        '--to',
        to,
        '--bucket',
        bucket,
        '--endpoint',
        endpoint,
      ]);
      // Out of heap, the child aborts (SIGABRT) saying so on stderr.
      const outcome = {
        code: run.code,
        signal: run.signal,
        outOfHeap: run.stderr.includes('heap out of memory'),
        summary: run.stdout.trim(),
      };
      expect(outcome).toEqual({
        code: 0,
        signal: null,
        outOfHeap: false,
        summary: `Replayed ${ALERTS} of ${ALERTS} alert(s); 0 outside the window or filters.`,
      });
      expect(await waiting(to)).toBe(ALERTS);
    },
    220_000,
  );
});
