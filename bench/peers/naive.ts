/**
 * A typical forwarder, the way many are written: middy with the JSON body parser, a schema compiled
 * with ajv at load, the parsed body serialized again for SQS.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import Ajv from 'ajv';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import schema from '../../functions/core/panther-alert.schema.json';
import { formats } from '../../functions/core/aws-date-time';

const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strict: false, formats });
const validate = ajv.compile(schema);

export const handler = middy<APIGatewayProxyEvent & { body: unknown }, APIGatewayProxyResult>()
  .use(httpJsonBodyParser())
  .handler(async (event) => {
    if (!validate(event.body)) return { statusCode: 400, body: JSON.stringify({ errors: validate.errors }) };
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: JSON.stringify(event.body) }));
    return { statusCode: 200, body: JSON.stringify({ messageId: sent.MessageId }) };
  });
