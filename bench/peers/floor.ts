/** The floor: import the SQS client, forward the body. Anything a receiver adds is measured against this. */
import { SQSClient } from '@aws-sdk/client-sqs';
import { forwardBodyWith } from './forward-body';

export const handler = forwardBodyWith(new SQSClient({ useQueueUrlAsEndpoint: false }));
