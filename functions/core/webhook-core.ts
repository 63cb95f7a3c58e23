/**
 * The webhook's whole decision, as pure synchronous functions with no AWS in them: what to do with
 * one request from Panther (enqueue it, or answer at once), and what to answer once the queue has
 * spoken. The Lambda handler and the local server are thin adapters around this module.
 */
import { hash, timingSafeEqual } from 'node:crypto';
import type { ErrorObject } from 'ajv';
import type { PantherAlert } from './generated/panther-alert';
import validatePantherAlert from './generated/validate-panther-alert';
import { FORWARDER_SETTINGS, type InvalidPayloadMode } from './settings';
import { SQS_REFUSES, toSqsText } from './sqs-text';

export type { InvalidPayloadMode, PantherAlert };

/** SQS's hard limit for one message, body and attributes together. */
export const MAX_MESSAGE_BYTES = FORWARDER_SETTINGS.maxMessageBytes;

/** What the core needs of a request: API Gateway's proxy event satisfies it as it is. */
export interface WebhookRequest {
  readonly body: string | null | undefined;
  readonly isBase64Encoded?: boolean;
  readonly headers?: Readonly<Record<string, string | undefined>> | null;
}

/** How the webhook treats requests; the handler builds it from its configuration and secret. */
export interface DeliveryPolicy {
  /** The header Panther sends the shared secret in (Panther's Custom Webhook custom headers). */
  readonly authHeaderName: string;
  /** Values accepted now: the current secret and, during a rotation window, the previous one. */
  readonly acceptedSecrets: readonly string[];
  /** What happens to an authenticated body that is not a Panther alert (see InvalidPayloadMode). */
  readonly invalidPayloads: InvalidPayloadMode;
}

/** An HTTP answer. The body is short JSON: Panther shows it to analysts as the delivery status. */
export interface WebhookReply {
  readonly statusCode: number;
  /** Serialized once, by the adapter, which adds the request id. */
  readonly body: ReplyBody;
}

/** What an answer says: a receipt, or an error with its details. Short: Panther shows it to analysts. */
export interface ReplyBody {
  readonly status?: 'queued' | 'quarantined';
  readonly messageId?: string;
  readonly routes?: readonly string[];
  /** `pointer`: the alert was too big for the event bus, which got its pointer event (bus-event.ts). */
  readonly busEvent?: 'pointer';
  readonly error?: string;
  readonly details?: readonly string[];
}

/** The routing attributes every queued alert carries (SQS String message attributes). */
export interface RoutingAttributes {
  readonly severity: string;
  readonly type: string;
  readonly detectionId: string;
  readonly alertId?: string;
  /**
   * SHA-256 (hex) of the exact message body: the same for a Panther retry of one delivery, different
   * for a manual "[Re-sent]" (its title changes). FIFO queues use it as MessageDeduplicationId.
   */
  readonly dedupKey: string;
}

export type Decision =
  | {
      readonly action: 'enqueue';
      /** The body exactly as received (see `toSqsText` for the one exception). */
      readonly messageBody: string;
      readonly attributes: RoutingAttributes;
      readonly alert: PantherAlert;
      /**
       * For FIFO queues: one group per detection, so alerts of one detection stay in order while
       * different detections are consumed in parallel (one group for all would serialize everything).
       */
      readonly messageGroupId: string;
    }
  | {
      readonly action: 'quarantine';
      /** The body as received, or its base64 when it is not UTF-8 (then `encoding` says so). */
      readonly messageBody: string;
      readonly attributes: QuarantineAttributes;
      /** What the webhook will say once the quarantine queue has it. */
      readonly refusal: { readonly error: string; readonly details?: readonly string[] };
    }
  | { readonly action: 'reply'; readonly reply: WebhookReply; readonly reason: RefusalReason };

export type RefusalReason = 'unauthenticated' | 'forbidden' | 'empty' | 'too-large' | InvalidReason;
export type InvalidReason = 'not-utf8' | 'not-json' | 'not-an-alert';

/** What a quarantined message carries besides its body. */
export interface QuarantineAttributes {
  readonly reason: InvalidReason;
  /** JSON array of the errors the webhook answered with. */
  readonly errors: string;
  readonly encoding?: 'base64';
}

/** Every attribute a message may carry, by name. */
export type MessageAttributes = RoutingAttributes | QuarantineAttributes;

/** How a delivery ended: confirmed with the primary queue's message id, or failed. */
export type EnqueueOutcome =
  | { readonly ok: true; readonly messageId: string }
  | { readonly ok: false; readonly failure: 'unreachable' | 'refused'; readonly error?: string };

/** How one target's send ended, as its sender saw it (a queue names its message; an object has none). */
export type TargetOutcome = { readonly ok: true; readonly messageId?: string } | Extract<EnqueueOutcome, { ok: false }>;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const MAX_ERROR_DETAILS = 10;
/**
 * Every attribute taken from the body is cut to this many characters: they are for filtering, the
 * full value always stays in the body, and so attributes can never make a body that fits too large.
 */
export const MAX_ATTRIBUTE_CHARS = 256;

const reply = (statusCode: number, body: ReplyBody): WebhookReply => ({ statusCode, body });
const refuse = (reason: RefusalReason, statusCode: number, body: ReplyBody): Decision => ({
  action: 'reply',
  reason,
  reply: reply(statusCode, body),
});

const TOO_LARGE = { error: `alert is larger than the ${MAX_MESSAGE_BYTES} bytes an SQS message can carry` };

export function decideOnDelivery(request: WebhookRequest, policy: DeliveryPolicy): Decision {
  // Strangers first: an unauthenticated request costs no decoding and is never quarantined.
  return authenticate(request, policy) ?? decidePayload(request, policy.invalidPayloads);
}

/**
 * The 401 for a request without the secret header, or undefined: it needs no secret, so an adapter
 * answers it before (and whether or not) Secrets Manager answers.
 */
export function refuseMissingHeader(request: WebhookRequest, authHeaderName: string): Decision | undefined {
  return headerValue(request.headers, authHeaderName) === undefined
    ? refuse('unauthenticated', 401, { error: `missing ${authHeaderName} header` })
    : undefined;
}

/** A refusal when the request does not carry an accepted secret; undefined when it does. */
export function authenticate(request: WebhookRequest, policy: Omit<DeliveryPolicy, 'invalidPayloads'>): Decision | undefined {
  const presented = headerValue(request.headers, policy.authHeaderName);
  if (presented === undefined) return refuseMissingHeader(request, policy.authHeaderName);
  if (!policy.acceptedSecrets.some((secret) => sameSecret(presented, secret))) {
    return refuse('forbidden', 403, { error: `wrong ${policy.authHeaderName} header` });
  }
  return undefined;
}

/** What to do with an (authenticated) body: enqueue it, quarantine it, or refuse it. */
export function decidePayload(request: WebhookRequest, invalidPayloads: InvalidPayloadMode): Decision {
  const raw = request.body ?? '';
  // Check the size before any UTF-8 decoding or parsing, so an oversized body is refused cheaply.
  const bytes = request.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length === 0) return refuse('empty', 400, { error: 'empty body: expected one Panther alert as JSON' });
  if (bytes.length > MAX_MESSAGE_BYTES) return refuse('too-large', 413, TOO_LARGE);

  const invalid = (reason: InvalidReason, text: string | undefined, error: string, details?: string[]): Decision =>
    invalidPayloads === 'reject'
      ? refuse(reason, 400, details ? { error, details } : { error })
      : quarantine(bytes, text, reason, error, details);

  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return invalid('not-utf8', undefined, 'body is not valid UTF-8');
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // V8's message quotes the input; Panther would show it to analysts, so say no more than this.
    return invalid('not-json', text, 'body is not valid JSON');
  }

  if (!validatePantherAlert(parsed)) {
    return invalid('not-an-alert', text, 'not a Panther alert', describeErrors(validatePantherAlert.errors ?? []));
  }

  const messageBody = toSqsText(text);
  const attributes = routingAttributes(parsed, messageBody);
  if (messageBytes(messageBody, attributes) > MAX_MESSAGE_BYTES) return refuse('too-large', 413, TOO_LARGE);
  return { action: 'enqueue', messageBody, attributes, alert: parsed, messageGroupId: messageGroupId(parsed.id) };
}

/** `decoded` is the body's text, or undefined when it is not UTF-8. */
function quarantine(bytes: Buffer, decoded: string | undefined, reason: InvalidReason, error: string, details?: string[]): Decision {
  // Text SQS can store goes as it came; anything else (not UTF-8, or a character SQS refuses) as
  // base64 of the exact bytes, so that no quarantine attempt fails on its content and nothing is
  // altered on the way to the person who will inspect it.
  const text = decoded !== undefined && !SQS_REFUSES.test(decoded) ? decoded : undefined;
  const attributes: QuarantineAttributes = {
    reason,
    errors: JSON.stringify(details ?? [error]),
    ...(text === undefined ? { encoding: 'base64' as const } : {}),
  };
  const messageBody = text ?? bytes.toString('base64');
  // Base64 grows a body by a third: a large non-UTF-8 body may no longer fit.
  if (messageBytes(messageBody, attributes) > MAX_MESSAGE_BYTES) return refuse('too-large', 413, TOO_LARGE);
  return { action: 'quarantine', messageBody, attributes, refusal: details ? { error, details } : { error } };
}

/** Header names are case-insensitive; API Gateway keeps the case the client sent. */
function headerValue(headers: WebhookRequest['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted && value !== undefined) return value.trim();
  }
  return undefined;
}

/** Constant time whatever the lengths: compare digests, never the strings. */
function sameSecret(presented: string, secret: string): boolean {
  return timingSafeEqual(hash('sha256', presented, 'buffer'), hash('sha256', secret, 'buffer'));
}

/**
 * The answer once SQS has spoken: 2xx only when it confirmed the message. The body is the delivery
 * receipt Panther shows in the alert's delivery status: the message id and the routes that took the
 * alert; a quarantined body gets 202 with the reason instead.
 */
export function replyToEnqueue(
  outcome: EnqueueOutcome,
  {
    quarantined,
    routes = [],
    busEvent,
  }: { quarantined?: Extract<Decision, { action: 'quarantine' }>; routes?: readonly string[]; busEvent?: 'pointer' } = {},
): WebhookReply {
  if (outcome.ok && quarantined) {
    return reply(202, { status: 'quarantined', messageId: outcome.messageId, ...quarantined.refusal });
  }
  if (outcome.ok) return reply(200, { status: 'queued', messageId: outcome.messageId, routes, ...(busEvent ? { busEvent } : {}) });
  return outcome.failure === 'unreachable'
    ? reply(503, { error: 'queue unreachable; retry later' })
    : reply(502, { error: 'queue refused the alert; retry later' });
}

/** When the webhook secret cannot be read, nobody can be authenticated: 5xx, Panther retries. */
export const SECRET_UNAVAILABLE_REPLY: WebhookReply = reply(503, { error: 'authentication unavailable; retry later' });

/** For anything unexpected: a 5xx, so Panther retries instead of dropping the alert. */
export const UNEXPECTED_FAILURE_REPLY: WebhookReply = reply(500, { error: 'internal error; retry later' });

/** Plainer words than ajv's for the keywords the alert schema uses. */
const MESSAGES: Record<string, (e: ErrorObject) => string> = {
  required: () => 'is required',
  minLength: () => 'must not be empty',
  enum: (e) => `must be one of ${(e.params.allowedValues as unknown[]).join(', ')}`,
  format: () => 'must be an AWSDateTime with a zone, e.g. 2020-10-13T03:35:24Z',
  pattern: () => 'must be an UPPER_SNAKE_CASE word, e.g. RULE',
};

/** One short line per failing field, e.g. `severity: must be one of INFO, LOW, MEDIUM, HIGH, CRITICAL`. */
export function describeErrors(errors: readonly ErrorObject[]): string[] {
  const lines = errors.map((e) => {
    const field =
      e.keyword === 'required'
        ? joinPath(e.instancePath, String(e.params.missingProperty))
        : e.instancePath.slice(1).replaceAll('/', '.') || '(body)';
    return `${field}: ${MESSAGES[e.keyword]?.(e) ?? e.message ?? 'is invalid'}`;
  });
  const unique = [...new Set(lines)];
  return unique.length > MAX_ERROR_DETAILS
    ? [...unique.slice(0, MAX_ERROR_DETAILS), `… and ${unique.length - MAX_ERROR_DETAILS} more`]
    : unique;
}

function joinPath(instancePath: string, property: string): string {
  const parent = instancePath.slice(1).replaceAll('/', '.');
  return parent ? `${parent}.${property}` : property;
}

function routingAttributes(alert: PantherAlert, messageBody: string): RoutingAttributes {
  const alertId = typeof alert.alertId === 'string' && alert.alertId !== '' ? toAttributeValue(alert.alertId) : undefined;
  return {
    severity: alert.severity,
    type: toAttributeValue(alert.type),
    detectionId: toAttributeValue(alert.id),
    ...(alertId === undefined ? {} : { alertId }),
    dedupKey: hash('sha256', messageBody, 'hex'),
  };
}

/** SQS allows 1–128 characters of ASCII letters, digits and punctuation in a MessageGroupId. */
function messageGroupId(detectionId: string): string {
  const id = detectionId.replace(/[^\x21-\x7e]/g, '_').slice(0, 128);
  return id === '' ? 'panther' : id;
}

/**
 * All sends must succeed for a 2xx: the first failure (an unreachable target first) decides. The first
 * outcome is the primary queue's: its message id is the receipt.
 */
export function combineOutcomes(outcomes: readonly [TargetOutcome, ...TargetOutcome[]]): EnqueueOutcome {
  const failures = outcomes.filter((o) => !o.ok);
  const [primary] = outcomes;
  if (failures.length === 0)
    return primary.ok && primary.messageId !== undefined ? { ok: true, messageId: primary.messageId } : { ok: false, failure: 'refused' };
  return failures.find((o) => !o.ok && o.failure === 'unreachable') ?? failures[0]!;
}

const EVERY_REFUSED_CHARACTER = new RegExp(SQS_REFUSES.source, 'gu');

/** Attribute values come from decoded strings, where JSON escapes may have produced any character. */
function toAttributeValue(value: string): string {
  // A cut through a surrogate pair leaves a lone surrogate, which the replacement also catches.
  return value.slice(0, MAX_ATTRIBUTE_CHARS).replace(EVERY_REFUSED_CHARACTER, '\uFFFD');
}

/** SQS counts the body plus each attribute's name, data type and value against the limit. */
function messageBytes(body: string, attributes: MessageAttributes): number {
  let total = Buffer.byteLength(body, 'utf8');
  for (const [name, value] of Object.entries(attributes)) {
    total += Buffer.byteLength(name) + 'String'.length + Buffer.byteLength(value as string);
  }
  return total;
}
