/** Loads the receiver handler in process, as a cold start would, under a given environment. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { lambdaContext, toProxyEvent } from '../../local/webhook-server';

export type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * A fresh copy of functions/receiver.ts, its configuration read from this environment. The
 * environment stays set: the SDK reads region, credentials and endpoint at its first send.
 */
export function loadHandler(env: Record<string, string | undefined>): Handler {
  const settings: Record<string, string | undefined> = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL: undefined,
    AWS_ENDPOINT_URL_SQS: undefined,
    ...env,
  };
  for (const [name, value] of Object.entries(settings)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  let handler: Handler | undefined;
  jest.isolateModules(() => {
    handler = (require('../../functions/receiver') as { handler: Handler }).handler;
  });
  return handler!;
}

/** POSTs a body to the handler as API Gateway would deliver it. */
export function invoke(handler: Handler, body: Buffer, context: Context = lambdaContext()): Promise<APIGatewayProxyResult> {
  return handler(toProxyEvent({ method: 'POST', path: '/alerts', rawHeaders: ['Content-Type', 'application/json'], body }), context);
}
