/** The receiver's real dependencies: the delivery pipeline, Secrets Manager and the stdout request log. */
import type { ReceiverConfig } from '../core/receiver-config';
import type { AwsClientTarget } from './aws-client-options';
import type { ReceiverDependencies } from './create-receiver';
import { deliveryPipeline } from './deliver';
import { staleSecretLogLine, stdoutRequestLog } from './request-log';
import { createSecretSource } from './secret-source';
import { secretsManagerReader } from './secrets-manager-reader';

/** Where the clients connect; unset fields follow the SDK's own resolution (the Lambda's case). */
export interface ReceiverTargets {
  readonly sqs?: AwsClientTarget;
  readonly s3?: AwsClientTarget;
  readonly secretsManager?: AwsClientTarget;
  readonly events?: AwsClientTarget;
}

export function receiverDependencies(config: ReceiverConfig, targets: ReceiverTargets = {}): ReceiverDependencies {
  const { deliver, sqs } = deliveryPipeline(config.archive, targets, config.bus);
  return {
    deliver,
    // Read with the SQS client's credentials, signer and hash: no second SDK client (BENCHMARKS.md).
    secrets: createSecretSource(secretsManagerReader(config.secretId, sqs.config, targets.secretsManager), {
      maxStaleMs: config.secretMaxStaleMs,
      // A metric as well as a line: the SecretStale alarm watches it.
      onStaleServed: (error) => process.stdout.write(staleSecretLogLine(error, config.metricsScope)),
    }),
    ...(config.requestLog ? { log: stdoutRequestLog(config.metricsScope) } : {}),
  };
}
