/** The floor: import the SQS client, forward the body. Anything a receiver adds is measured against this. */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const body = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  const sent = await sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: body }));
  return { statusCode: 200, body: JSON.stringify({ messageId: sent.MessageId }) };
}
