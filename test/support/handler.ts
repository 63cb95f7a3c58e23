/**
 * Builds receivers in process as the handler module does (createReceiver with the real
 * dependencies), from a test's own settings: nothing here reads or writes process.env.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { startEmbeddedSecrets } from '../../local/embedded-secrets';
import { lambdaContext, toProxyEvent } from '../../local/webhook-server';
import { readReceiverConfig } from '../../functions/core/receiver-config';
import type { AwsClientTarget } from '../../functions/runtime/aws-client-options';
import { createReceiver, type ProxyHandler } from '../../functions/runtime/create-receiver';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../functions/runtime/local-aws';
import { receiverDependencies } from '../../functions/runtime/receiver-dependencies';
import { startSqsServer } from './processes';

export type Handler = ProxyHandler;

export const TEST_SECRET_ID = 'test/panther-webhook-secret';
export const TEST_SECRET = 'test-webhook-secret-0123456789';
export const AUTH_HEADERS: Record<string, string> = { 'X-Panther-Webhook-Secret': TEST_SECRET };

/**
 * A receiver configured from these settings (the handler's environment variables, reject mode and
 * no request log by default), talking to the endpoints in AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL_S3
 * (by default the SQS one: fauxqs serves both) and AWS_ENDPOINT_URL_SECRETS_MANAGER. Throws as a cold start would on a bad setting.
 */
export function loadHandler(settings: Record<string, string | undefined>): Handler {
  const env: Record<string, string | undefined> = {
    SECRET_ID: TEST_SECRET_ID,
    AUTH_HEADER_NAME: 'X-Panther-Webhook-Secret',
    INVALID_PAYLOADS: 'reject',
    REQUEST_LOG: 'off',
    ...settings,
  };
  const config = readReceiverConfig(env);
  const target = (endpoint: string | undefined): AwsClientTarget => ({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  return createReceiver(
    config,
    receiverDependencies(config, {
      sqs: target(env.AWS_ENDPOINT_URL_SQS),
      // fauxqs serves S3 on its SQS port.
      s3: target(env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL_SQS),
      secretsManager: target(env.AWS_ENDPOINT_URL_SECRETS_MANAGER),
    }),
  );
}

/** A POST of this body as API Gateway delivers it to the function, with the test secret unless told otherwise. */
export function alertEvent(body: Buffer, headers: Record<string, string> = AUTH_HEADERS): APIGatewayProxyEvent {
  const rawHeaders = Object.entries({ 'Content-Type': 'application/json', ...headers }).flat();
  return toProxyEvent({ method: 'POST', path: '/alerts', rawHeaders, body });
}

/** POSTs a body to the handler as API Gateway would deliver it, with the test secret unless told otherwise. */
export function invoke(
  handler: Handler,
  body: Buffer,
  context: Context = lambdaContext(),
  headers: Record<string, string> = AUTH_HEADERS,
): Promise<APIGatewayProxyResult> {
  return handler(alertEvent(body, headers), context);
}

/** What receiver tests run against: fauxqs in its own process, and the test secret in an embedded Secrets Manager. */
export interface TestServers {
  /** fauxqs's ready lines: `SQS endpoint`, `Queue URL`, `Quarantine queue URL`, `Dead-letter queue URL`. */
  readonly sqs: Readonly<Record<string, string>>;
  readonly secretsEndpoint: string;
  /** Replaces the test secret's value (a rotation). */
  putSecret(secretString: string): void;
  /** Stops both (call from afterAll). */
  stop(): Promise<void>;
}

export async function startTestServers(): Promise<TestServers> {
  const [sqs, secrets] = await Promise.all([
    startSqsServer(),
    startEmbeddedSecrets({ [TEST_SECRET_ID]: JSON.stringify({ current: TEST_SECRET }) }),
  ]);
  return {
    sqs: sqs.printed,
    secretsEndpoint: secrets.endpoint,
    putSecret: (secretString) => secrets.put(TEST_SECRET_ID, secretString),
    stop: async () => {
      await Promise.all([sqs.stop(), secrets.stop()]);
    },
  };
}
