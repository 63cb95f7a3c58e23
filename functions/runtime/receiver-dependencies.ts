/** The receiver's real dependencies: SQS, Secrets Manager and the stdout request log. */
import type { ReceiverConfig } from '../core/receiver-config';
import type { AwsClientTarget } from './aws-client-options';
import type { ReceiverDependencies } from './create-receiver';
import { createQueueSender, createSqsClient } from './queue-sender';
import { stdoutRequestLog } from './request-log';
import { createSecretSource, secretsManagerReader } from './secret-source';

/** Where the clients connect; unset fields follow the SDK's own resolution (the Lambda's case). */
export interface ReceiverTargets {
  readonly sqs?: AwsClientTarget;
  readonly secretsManager?: AwsClientTarget;
}

export function receiverDependencies(config: ReceiverConfig, targets: ReceiverTargets = {}): ReceiverDependencies {
  return {
    send: createQueueSender(createSqsClient(targets.sqs)),
    secrets: createSecretSource(secretsManagerReader(config.secretId, targets.secretsManager), {
      onStaleServed: (error) =>
        process.stdout.write(
          `${JSON.stringify({ level: 'WARN', message: 'secret refresh failed; the cached secret stays in use', error })}\n`,
        ),
    }),
    ...(config.requestLog ? { log: stdoutRequestLog(config.metricsScope) } : {}),
  };
}
