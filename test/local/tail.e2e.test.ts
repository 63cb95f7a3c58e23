/**
 * `tail` only looks: left running against local mode it shows each new alert within seconds, from the
 * archive, and no queue notices. A tail that received from the alert queue (as it once did) would make
 * each receive count towards maxReceiveCount, and after 5 SQS would move the alert to the dead-letter
 * queue: here the alert queue's messages are received once afterwards, each with receive count 1.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { localS3Client, localSqsClient } from '../../functions/runtime/local-aws';
import { baseAlert } from '../../scripts/sample-alerts';
import { postBody } from '../support/http';
import { authHeaderOf, ROOT, type RunningProcess, startLocalMode, stopAll } from '../support/processes';
import { partitionByIso } from '../support/utc-partition';

afterAll(stopAll);

/** Resolves once `check` holds, polling every 100 ms; false after `timeoutMs` (bounded). */
async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
    if (check()) return true;
  }
  return check();
}

async function queueCounts(sqs: SQSClient, queueUrl: string) {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return { visible: Number(Attributes.ApproximateNumberOfMessages), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible) };
}

describe('tail against local mode', () => {
  let local: RunningProcess;
  let sqs: SQSClient;
  let s3: S3Client;
  beforeAll(async () => {
    local = await startLocalMode();
    sqs = localSqsClient(local.printed['SQS endpoint']!);
    s3 = localS3Client(local.printed['SQS endpoint']!);
  });
  afterAll(() => {
    sqs.destroy();
    s3.destroy();
  });

  it('shows each new alert within seconds, and leaves every queue as it was: no receive, nothing moved to the dead-letter queue', async () => {
    const tail = spawn(process.execPath, [join(ROOT, 'cli', 'panther-forwarder.cjs'), 'tail', '--timeout', '60'], {
      cwd: ROOT,
      env: { ...process.env, SQS_PORT: new URL(local.printed['SQS endpoint']!).port },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    tail.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    tail.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => tail.once('exit', (code) => resolve(code)));
    try {
      expect(await until(() => stderr.includes('Following s3://panther-alert-archive/alerts/'), 30_000)).toBe(true);
      expect(stderr).toContain('no queue is touched');
      for (const n of [1, 2, 3]) {
        const body = JSON.stringify(baseAlert({ alertId: `tail-${n}`, severity: 'CRITICAL', createdAt: new Date().toISOString() }));
        expect((await postBody(local.printed['Webhook URL']!, body, authHeaderOf(local))).status).toBe(200);
        expect(await until(() => stdout.includes(`alertId=tail-${n}`), 15_000)).toBe(true);
      }
      // An object the forwarder did not write (its name is no hash of its bytes): named on stderr, never shown as an alert.
      const planted = `alerts/${partitionByIso(Date.now())}${'0'.repeat(64)}.json`;
      const body = JSON.stringify(baseAlert({ alertId: 'tail-planted', severity: 'CRITICAL', createdAt: new Date().toISOString() }));
      await s3.send(new PutObjectCommand({ Bucket: 'panther-alert-archive', Key: planted, Body: body }));
      expect(await until(() => stderr.includes(`refused ${planted}: its name is not the SHA-256 of its bytes`), 15_000)).toBe(true);
      // A few more rounds of polling (every 2 s) with the alerts in the archive and on the queue.
      await new Promise((resolve) => setTimeout(resolve, 6_000));
    } finally {
      tail.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(3);
    expect(stdout).not.toContain('tail-planted');

    const queueUrl = local.printed['Queue URL']!;
    const deadLetters = queueUrl.replace(/panther-alerts$/, 'panther-alerts-dlq');
    expect(await queueCounts(sqs, queueUrl)).toEqual({ visible: 3, inFlight: 0 });
    expect(await queueCounts(sqs, deadLetters)).toEqual({ visible: 0, inFlight: 0 });
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }),
    );
    expect(Messages.map((message) => message.Attributes?.ApproximateReceiveCount)).toEqual(['1', '1', '1']);
  }, 120_000);
});
