/**
 * The receiver with its archive written by the SDK's S3 client (PutObjectCommand, If-None-Match: *)
 * instead of the signed PUT it ships with (functions/runtime/archive-writer.ts): not deployed, only
 * here to measure the choice of S3 client side by side, cold and warm, in the same run.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readReceiverConfig } from '../../functions/core/receiver-config';
import { awsClientOptions, S3_WRITE_LIMITS } from '../../functions/runtime/aws-client-options';
import { createReceiver } from '../../functions/runtime/create-receiver';
import { createDeliver, NO_BUS, queueTargetSender } from '../../functions/runtime/deliver';
import { createQueueSender, createSqsClient } from '../../functions/runtime/queue-sender';
import { createSecretSource } from '../../functions/runtime/secret-source';
import { secretsManagerReader } from '../../functions/runtime/secrets-manager-reader';

const config = readReceiverConfig(process.env);
const sqs = createSqsClient();
const s3 = new S3Client(awsClientOptions({}, S3_WRITE_LIMITS));

export const handler = createReceiver(config, {
  deliver: createDeliver({
    queue: queueTargetSender(createQueueSender(sqs)),
    bus: NO_BUS,
    archive: async ({ bucket, object }, plan, signal) => {
      try {
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: object.key,
            Body: plan.body,
            ContentType: object.contentType,
            Metadata: { ...object.metadata },
            IfNoneMatch: '*',
          }),
          signal === undefined ? {} : { abortSignal: signal },
        );
        return { ok: true };
      } catch {
        return { ok: false, failure: 'refused' };
      }
    },
  }),
  secrets: createSecretSource(secretsManagerReader(config.secretId, sqs.config), { maxStaleMs: config.secretMaxStaleMs }),
});
