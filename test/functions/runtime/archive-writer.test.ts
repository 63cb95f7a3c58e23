/**
 * The archive sender against a real S3 (fauxqs): each target's object goes into the target's own
 * bucket, one sender serving several. (fauxqs overwrites where S3 answers 412 to If-None-Match: that
 * answer comes from the fault proxy in test/functions/fault-matrix.test.ts.)
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { archiveSender } from '../../../functions/runtime/archive-writer';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localS3Client } from '../../../functions/runtime/local-aws';
import { createSqsClient } from '../../../functions/runtime/queue-sender';
import { baseAlert } from '../../corpus/panther-payloads';
import { archivedObjectOf, freshBucket, keysIn } from '../../support/archive';
import { type RunningProcess, startSqsServer } from '../../support/processes';

let server: RunningProcess;
let s3: S3Client;
let write: ReturnType<typeof archiveSender>;
let destroy: () => void;

beforeAll(async () => {
  server = await startSqsServer();
  const endpoint = server.printed['SQS endpoint']!;
  s3 = localS3Client(endpoint);
  const target = { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const sqs = createSqsClient(target);
  write = archiveSender(sqs.config, target);
  destroy = () => sqs.destroy();
});
afterAll(async () => {
  destroy();
  s3.destroy();
  await server.stop();
});

describe('archiveSender', () => {
  it("writes each target's object into that target's bucket, the bytes as they came", async () => {
    const [first, second] = [await freshBucket(s3), await freshBucket(s3)];
    const bodies = [JSON.stringify(baseAlert({ alertId: 'to-first' })), JSON.stringify(baseAlert({ alertId: 'to-second' }))];
    const objects = bodies.map((body) => archivedObjectOf(body));
    expect(await write({ kind: 'archive', bucket: first, object: objects[0]!.object }, bodies[0]!)).toEqual({ ok: true });
    expect(await write({ kind: 'archive', bucket: second, object: objects[1]!.object }, bodies[1]!)).toEqual({ ok: true });
    expect(await keysIn(s3, first)).toEqual([objects[0]!.object.key]);
    expect(await keysIn(s3, second)).toEqual([objects[1]!.object.key]);
    const stored = await s3.send(new GetObjectCommand({ Bucket: second, Key: objects[1]!.object.key }));
    expect(await stored.Body!.transformToString()).toBe(bodies[1]);
  });

  it('reports a bucket that does not exist as refused by S3, naming the archive', async () => {
    const body = JSON.stringify(baseAlert({ alertId: 'nowhere' }));
    const { object } = archivedObjectOf(body);
    expect(await write({ kind: 'archive', bucket: 'no-such-bucket-here', object }, body)).toEqual({
      ok: false,
      failure: 'refused',
      error: expect.stringMatching(/^archive: NoSuchBucket/),
    });
  });
});
