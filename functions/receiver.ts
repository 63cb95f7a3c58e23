/**
 * Lambda handler behind API Gateway's `POST /alerts`: wiring only. The configuration is read and
 * checked once, at cold start (a bad setting fails here, not per request); the logic lives in
 * runtime/create-receiver.ts and core/webhook-core.ts.
 */
import { readReceiverConfig } from './core/receiver-config';
import { createReceiver } from './runtime/create-receiver';
import { receiverDependencies } from './runtime/receiver-dependencies';

const config = readReceiverConfig(process.env);

export const handler = createReceiver(config, receiverDependencies(config));
