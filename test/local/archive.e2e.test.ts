/**
 * The archive in local mode as a user meets it: `npm start`, alerts posted to the webhook (one of them
 * twice, as a Panther retry would), the archive on the embedded S3, then `replay` over the window to
 * a fresh queue, found without naming a bucket.
 */
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { localS3Client, localSqsClient } from '../../functions/runtime/local-aws';
import { distinctAlerts } from '../corpus/panther-payloads';
import { cli } from '../support/cli';
import { postBody } from '../support/http';
import { authHeaderOf, startLocalMode, stopAll } from '../support/processes';
import { drainQueue } from '../support/queue';

afterAll(() => stopAll());

it('archives 20 alerts, a retry onto the same object, exactly the posted bytes; replay puts each of them on a fresh queue once', async () => {
  const local = await startLocalMode();
  const endpoint = local.printed['S3 endpoint']!;
  const [, bucket, prefix] = /^s3:\/\/([^/]+)\/(.*)$/.exec(local.printed.Archive!)!;
  // Created a minute ago: filed under their createdAt's hour, which the replay window names.
  const created = new Date(Date.now() - 60_000);
  const bodies = distinctAlerts(20, 'archived', { createdAt: created.toISOString() });
  const auth = authHeaderOf(local);
  for (const body of [...bodies, bodies[7]!]) expect((await postBody(local.printed['Webhook URL']!, body, auth)).status).toBe(200);

  const s3 = localS3Client(endpoint);
  const list = async () => (await s3.send(new ListObjectsV2Command({ Bucket: bucket!, Prefix: prefix! }))).Contents ?? [];
  const deadline = Date.now() + 20_000;
  while ((await list()).length < bodies.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
  await new Promise((resolve) => setTimeout(resolve, 1_000)); // a late duplicate object would show up by now
  const objects = await list();
  expect(objects).toHaveLength(20);
  const stored = await Promise.all(
    objects.map(async ({ Key }) => (await s3.send(new GetObjectCommand({ Bucket: bucket!, Key: Key! }))).Body!.transformToString('utf8')),
  );
  expect(stored.sort()).toEqual([...bodies].sort());

  const sqs = localSqsClient(local.printed['SQS endpoint']!);
  const { QueueUrl: fresh } = await sqs.send(new CreateQueueCommand({ QueueName: `replayed-${process.pid}` }));
  const port = new URL(local.printed['SQS endpoint']!).port;
  const window = [
    '--since',
    new Date(created.getTime() - 3_600_000).toISOString(),
    '--until',
    new Date(created.getTime() + 3_600_000).toISOString(),
  ];
  const replayed = await cli(['replay', ...window, '--to', fresh!], { SQS_PORT: port });
  expect(replayed.code).toBe(0);
  const messages = await drainQueue(sqs, fresh!, { expected: 21, idleReceives: 2 });
  expect(messages.map((message) => message.Body).sort()).toEqual([...bodies].sort());
}, 90_000);
