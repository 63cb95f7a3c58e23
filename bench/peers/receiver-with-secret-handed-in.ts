/**
 * The receiver with its Secrets Manager read replaced by the secret itself: not deployable (the
 * secret would sit in the function's configuration), only here to measure what reading the secret
 * costs a cold start, beside the real receiver, in the same run.
 */
import { readReceiverConfig } from '../../functions/core/receiver-config';
import { createReceiver } from '../../functions/runtime/create-receiver';
import { deliveryPipeline } from '../../functions/runtime/deliver';

const config = readReceiverConfig(process.env);
const secret = [process.env.BENCH_SECRET ?? ''];

export const handler = createReceiver(config, { deliver: deliveryPipeline(config.archive).deliver, secrets: async () => secret });
