/** Loads the receiver handler in process, as a cold start would, under a given environment. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { startEmbeddedSecrets, type EmbeddedSecrets } from '../../local/embedded-secrets';
import { lambdaContext, toProxyEvent } from '../../local/webhook-server';

export type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export const TEST_SECRET_ID = 'test/panther-webhook-secret';
export const TEST_SECRET = 'test-webhook-secret-0123456789';
export const AUTH_HEADERS: Record<string, string> = { 'X-Panther-Webhook-Secret': TEST_SECRET };

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
    SECRET_ID: TEST_SECRET_ID,
    AUTH_HEADER_NAME: 'X-Panther-Webhook-Secret',
    INVALID_PAYLOADS: 'reject',
    QUARANTINE_QUEUE_URL: undefined,
    REQUEST_LOG: 'off',
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

/** POSTs a body to the handler as API Gateway would deliver it, with the test secret unless told otherwise. */
export function invoke(
  handler: Handler,
  body: Buffer,
  context: Context = lambdaContext(),
  headers: Record<string, string> = AUTH_HEADERS,
): Promise<APIGatewayProxyResult> {
  const rawHeaders = Object.entries({ 'Content-Type': 'application/json', ...headers }).flat();
  return handler(toProxyEvent({ method: 'POST', path: '/alerts', rawHeaders, body }), context);
}

/** The webhook secret, served by an embedded Secrets Manager (stop it in afterAll). */
export function startTestSecrets(): Promise<EmbeddedSecrets> {
  return startEmbeddedSecrets({ [TEST_SECRET_ID]: JSON.stringify({ current: TEST_SECRET }) });
}
