/**
 * The floor with the SDK resolving its middleware stack once (`cacheMiddleware`), as the receiver's
 * client does: the ratio to it is what the receiver's own code adds to a warm send, the SDK set up alike.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { forwardBodyWith } from './forward-body';

export const handler = forwardBodyWith(new SQSClient({ useQueueUrlAsEndpoint: false, cacheMiddleware: true }));
