/**
 * A local stand-in for API Gateway: turns each HTTP request into the proxy event the deployed REST
 * API sends (body base64-encoded, as `binaryMediaTypes: ['*\/*']` makes it) and calls the same Lambda
 * handler. No second code path: whatever the handler answers is what the client gets, with one
 * exception: a large body from a stranger is refused, as the handler would, before it is read.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { FORWARDER_SETTINGS as SETTINGS } from '../functions/core/settings';
import { authenticate, refuseMissingHeader, SECRET_UNAVAILABLE_REPLY } from '../functions/core/webhook-core';
import type { ProxyHandler } from '../functions/runtime/create-receiver';
import { toProxyResult } from '../functions/runtime/middleware';
import type { SecretSource } from '../functions/runtime/secret-source';
import { foreignRequest, refuse } from './local-only';

export type { ProxyHandler };

/** API Gateway's own payload limit for REST APIs; beyond it the request never reaches the Lambda. */
const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * How much of a body is read before the secret is checked. Buffering up to 10 MiB per request for
 * anyone who can reach the port (local mode may be exposed through a tunnel) let strangers fill the
 * memory; past this many bytes a request without an accepted secret is refused and the rest never
 * read. Alerts are a few KiB, so they still go to the handler as they are and it decides.
 */
export const UNAUTHENTICATED_BODY_CAP_BYTES = 64 * 1024;

export interface RequestLog {
  readonly method: string;
  readonly path: string;
  readonly statusCode: number;
  readonly milliseconds: number;
  /** From the body of an acknowledged alert (never of a refused request); for the log line only. */
  readonly alertId?: string;
  readonly severity?: string;
  /** Why an authenticated body was quarantined (202), as the receiver answered it. */
  readonly reason?: string;
}

/** A value shown bare: it cannot end its field, open a quoted value or hide anything. */
const BARE_VALUE = /^[\w.:/@+~-]+$/;
/**
 * What JSON.stringify leaves as it is but a terminal acts on or hides: DEL and C1 controls, bidi and
 * other format controls (U+061C, U+200E, U+202A-U+202E, U+2066-U+2069...), line and paragraph separators.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * One field's value: bare when plainly safe, else a JSON string with every invisible character
 * \u-escaped, so a value from a body or a path can neither fake another field nor reorder the line.
 */
function field(value: string): string {
  if (BARE_VALUE.test(value)) return value;
  return JSON.stringify(value).replace(INVISIBLE, (character) =>
    // Per UTF-16 unit, as JSON writes a character outside the BMP.
    character.replace(/[\s\S]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
}

export function logLine(entry: RequestLog, now: Date = new Date()): string {
  const alert = entry.alertId === undefined ? '' : ` alert=${field(entry.alertId)}`;
  const severity = entry.severity === undefined ? '' : ` severity=${field(entry.severity)}`;
  const reason = entry.reason === undefined ? '' : ` reason=${field(entry.reason)}`;
  return `${now.toISOString()} ${field(entry.method)} ${field(entry.path)} ${entry.statusCode}${alert}${severity}${reason} ${entry.milliseconds}ms`;
}

/**
 * The receiver's answer to a request whose headers carry no accepted secret (401 missing, 403 wrong,
 * 503 when the secret cannot be read); undefined when they carry one.
 */
export type RefuseStranger = (headers: APIGatewayProxyEvent['headers']) => Promise<APIGatewayProxyResult | undefined>;

/**
 * The receiver's own check of the headers, in its order: without the header, 401 at once (no secret
 * needed); else the core's constant-time comparison against the accepted secrets.
 */
export function refuseStrangers(authHeaderName: string, secrets: SecretSource): RefuseStranger {
  return async (headers) => {
    const requestId = randomUUID();
    const request = { headers, body: null };
    const missing = refuseMissingHeader(request, authHeaderName);
    if (missing?.action === 'reply') return toProxyResult(missing.reply, requestId);
    let acceptedSecrets: readonly string[];
    try {
      acceptedSecrets = await secrets();
    } catch {
      return toProxyResult(SECRET_UNAVAILABLE_REPLY, requestId);
    }
    const refusal = authenticate(request, { authHeaderName, acceptedSecrets });
    return refusal?.action === 'reply' ? toProxyResult(refusal.reply, requestId) : undefined;
  };
}

export interface WebhookServerOptions {
  readonly handler: ProxyHandler;
  /** Asked once a body passes UNAUTHENTICATED_BODY_CAP_BYTES (`refuseStrangers` with the handler's header and secret). */
  readonly refuseStranger: RefuseStranger;
  /** Called once per request, after the answer is sent. */
  readonly onRequest?: (entry: RequestLog) => void;
}

export function createWebhookServer({ handler, refuseStranger, onRequest }: WebhookServerOptions): Server {
  return createServer((req, res) => {
    const started = performance.now();
    serve(req, res, handler, refuseStranger).then(
      (outcome) => {
        onRequest?.({
          method: req.method ?? '',
          // The path only: a query string is not ours to log (it may carry a token).
          path: new URL(req.url ?? '/', 'http://localhost').pathname,
          statusCode: outcome.statusCode,
          milliseconds: Math.round(performance.now() - started),
          // Only a body the receiver accepted as an alert (so authenticated, at most 1 MiB) is read again.
          ...(outcome.statusCode === 200 ? summarize(outcome.body) : {}),
          ...quarantineReason(outcome.reply),
        });
      },
      // The client went away mid-request (reading its body failed): nothing to answer, and the
      // server must keep serving everyone else.
      () => res.destroy(),
    );
  });
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  handler: ProxyHandler,
  refuseStranger: RefuseStranger,
): Promise<{ statusCode: number; body?: Buffer; reply?: APIGatewayProxyResult }> {
  // Panther (through a tunnel that rewrites Host) and the CLI send neither browser headers nor another Host.
  const refusal = foreignRequest(req.headers, listeningHost(req));
  if (refusal !== undefined) {
    refuse(res, refusal);
    return { statusCode: 403 };
  }
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path !== SETTINGS.route) return send(res, 404, { message: `Not found. Panther posts to ${SETTINGS.route}` });
  if (req.method !== 'POST') return send(res, 405, { message: 'Method not allowed. Use POST' }, { allow: 'POST' });

  const body = await readBody(req, () => refuseStranger(proxyHeaders(req.rawHeaders).headers));
  // The rest of the body stays unread: only closing the connection lets the server leave it there.
  if ('refused' in body) return { statusCode: answer(res, body.refused, { connection: 'close' }) };
  if ('tooLarge' in body) return send(res, 413, { message: 'Request Entity Too Large' });

  let result: APIGatewayProxyResult;
  try {
    const event = toProxyEvent({ method: 'POST', path, rawHeaders: req.rawHeaders, body: body.bytes, sourceIp: req.socket.remoteAddress });
    result = await handler(event, lambdaContext());
  } catch {
    // What API Gateway answers when the integration fails.
    return send(res, 502, { message: 'Internal server error' });
  }
  return { statusCode: answer(res, result), body: body.bytes, reply: result };
}

/** The `address:port` this request came in on, as a client addressing it by its printed URL writes it. */
function listeningHost(req: IncomingMessage): string {
  const { localAddress = '', localPort } = req.socket;
  return `${localAddress.includes(':') ? `[${localAddress}]` : localAddress}:${localPort}`;
}

/** Writes the handler's (or the stranger check's) result as the HTTP answer; returns its status. */
function answer(res: ServerResponse, result: APIGatewayProxyResult, headers: Record<string, string> = {}): number {
  res.writeHead(result.statusCode, { ...stringHeaders(result.headers), ...headers });
  res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
  return result.statusCode;
}

function send(res: ServerResponse, statusCode: number, body: object, headers: Record<string, string> = {}) {
  res.writeHead(statusCode, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
  return { statusCode };
}

/** The whole body; or a stranger's refusal; or, past API Gateway's limit, none (the rest is drained, not kept). */
type Body = { readonly bytes: Buffer } | { readonly refused: APIGatewayProxyResult } | { readonly tooLarge: true };

/** Reads the body, asking `refuseStranger` once it passes UNAUTHENTICATED_BODY_CAP_BYTES. */
async function readBody(req: IncomingMessage, refuseStranger: () => Promise<APIGatewayProxyResult | undefined>): Promise<Body> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Pulled by hand: leaving a for-await loop would destroy the request, which must stay open for the refusal.
  const iterator = (req as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    const passesCap = size <= UNAUTHENTICATED_BODY_CAP_BYTES && size + next.value.length > UNAUTHENTICATED_BODY_CAP_BYTES;
    size += next.value.length;
    if (passesCap) {
      const refused = await refuseStranger();
      if (refused) return { refused };
    }
    if (size <= API_GATEWAY_MAX_BODY_BYTES) chunks.push(next.value);
  }
  return size <= API_GATEWAY_MAX_BODY_BYTES ? { bytes: Buffer.concat(chunks) } : { tooLarge: true };
}

/** What the adapter needs of an HTTP request to build API Gateway's event for it. */
export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  /** Name/value pairs in arrival order, as Node's `rawHeaders` gives them. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp?: string;
}

/** The REST API proxy event API Gateway sends for this request (with `binaryMediaTypes: ['*\/*']`). */
export function toProxyEvent({ method, path, rawHeaders, body, sourceIp = '127.0.0.1' }: HttpRequest): APIGatewayProxyEvent {
  const { headers, multiValueHeaders } = proxyHeaders(rawHeaders);
  const userAgent = Object.entries(headers).find(([name]) => name.toLowerCase() === 'user-agent')?.[1];
  return {
    resource: path,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: body.toString('base64'),
    isBase64Encoded: true,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      path,
      stage: 'local',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: path,
      identity: localIdentity(sourceIp, userAgent),
    },
  };
}

/** The headers as API Gateway passes them: repeated names joined by commas, and each value apart. */
function proxyHeaders(rawHeaders: readonly string[]): Pick<APIGatewayProxyEvent, 'headers' | 'multiValueHeaders'> {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  return { headers, multiValueHeaders };
}

function localIdentity(sourceIp: string, userAgent: string | undefined): APIGatewayProxyEvent['requestContext']['identity'] {
  return {
    sourceIp,
    userAgent: userAgent ?? null,
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    user: null,
    userArn: null,
  };
}

/** A Lambda context whose clock matches the deployed function's timeout (or the one given). */
export function lambdaContext(timeoutMs: number = SETTINGS.receiverTimeoutSeconds * 1000): Context {
  const deadline = Date.now() + timeoutMs;
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'panther-alert-forwarder-local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:panther-alert-forwarder-local',
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function stringHeaders(headers: APIGatewayProxyResult['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name] = String(value);
  return out;
}

/** The reason the receiver gave for a quarantine (its 202 answer's `error`); nothing for any other answer. */
function quarantineReason(reply: APIGatewayProxyResult | undefined): { reason?: string } {
  if (reply?.statusCode !== 202) return {};
  try {
    const text = reply.isBase64Encoded ? Buffer.from(reply.body, 'base64').toString('utf8') : reply.body;
    const { status, error } = JSON.parse(text) as { status?: unknown; error?: unknown };
    return status === 'quarantined' && typeof error === 'string' ? { reason: error } : {};
  } catch {
    return {};
  }
}

/** Best effort, for the log line: the alert's id and severity when the body is a JSON object. */
function summarize(body: Buffer | undefined): { alertId?: string; severity?: string } {
  if (!body || body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return {};
    const { alertId, id, severity } = parsed as Record<string, unknown>;
    const shownId = typeof alertId === 'string' && alertId ? alertId : typeof id === 'string' ? id : undefined;
    return {
      ...(shownId === undefined ? {} : { alertId: shownId }),
      ...(typeof severity === 'string' ? { severity } : {}),
    };
  } catch {
    return {};
  }
}
