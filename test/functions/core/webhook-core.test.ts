import { ALL_CASES, baseAlert, padTo, VALID_CASES } from '../../corpus/panther-payloads';
import { createHash } from 'node:crypto';
import {
  combineOutcomes,
  decideOnDelivery,
  describeErrors,
  type DeliveryPolicy,
  MAX_ATTRIBUTE_CHARS,
  MAX_MESSAGE_BYTES,
  replyToEnqueue,
  UNEXPECTED_FAILURE_REPLY,
} from '../../../functions/core/webhook-core';
import { toSqsText } from '../../../functions/core/sqs-text';

const SECRET = 'correct-horse-battery-staple';
const HEADERS = { 'X-Panther-Webhook-Secret': SECRET };
const REJECT: DeliveryPolicy = { authHeaderName: 'X-Panther-Webhook-Secret', acceptedSecrets: [SECRET], invalidPayloads: 'reject' };
const QUARANTINE: DeliveryPolicy = { ...REJECT, invalidPayloads: 'quarantine' };
const asBase64 = (body: Buffer) => ({ body: body.toString('base64'), isBase64Encoded: true, headers: HEADERS });
const decide = (request: { body: string; isBase64Encoded?: boolean }, policy: DeliveryPolicy = REJECT) =>
  decideOnDelivery({ headers: HEADERS, ...request }, policy);

describe('decideOnDelivery over the corpus', () => {
  it('has at least 20 valid and 20 invalid cases of its own', () => {
    expect(VALID_CASES.length).toBeGreaterThanOrEqual(20);
    expect(ALL_CASES.filter((c) => c.status !== 200).length).toBeGreaterThanOrEqual(20);
  });

  it.each(ALL_CASES.map((c) => [c.name, c] as const))('%s', (_name, corpusCase) => {
    const decision = decideOnDelivery(asBase64(corpusCase.body), REJECT);
    if (corpusCase.status === 200) {
      expect(decision.action).toBe('enqueue');
      if (decision.action !== 'enqueue') return;
      // The exact bytes received, unless a raw U+FFFE/U+FFFF forced a (value-preserving) escape.
      const text = corpusCase.body.toString('utf8');
      expect(decision.messageBody).toBe(toSqsText(text));
      expect(JSON.parse(decision.messageBody)).toEqual(JSON.parse(text));
      return;
    }
    expect(decision.action).toBe('reply');
    if (decision.action !== 'reply') return;
    expect(decision.reply.statusCode).toBe(corpusCase.status);
    const answer = decision.reply.body;
    expect(typeof answer.error).toBe('string');
    if (corpusCase.mentions) expect([answer.error, ...(answer.details ?? [])].join('\n')).toContain(corpusCase.mentions);
  });

  it('decides the same for a plain-text body as for its base64 form', () => {
    const isUtf8 = (body: Buffer) => Buffer.from(body.toString('utf8')).equals(body);
    const utf8Cases = ALL_CASES.filter((x) => isUtf8(x.body));
    expect(utf8Cases.length).toBeGreaterThan(ALL_CASES.length - 3);
    for (const c of utf8Cases) {
      const plain = decide({ body: c.body.toString('utf8'), isBase64Encoded: false });
      expect(plain).toEqual(decideOnDelivery(asBase64(c.body), REJECT));
    }
  });
});

describe('routing attributes', () => {
  const attributesOf = (alert: Record<string, unknown>) => {
    const decision = decide({ body: JSON.stringify(alert) });
    if (decision.action !== 'enqueue') throw new Error(`refused: ${JSON.stringify(decision)}`);
    return decision.attributes;
  };

  it('carries severity, type, detection id, alert id and the SHA-256 of the exact body', () => {
    const body = JSON.stringify(baseAlert());
    expect(attributesOf(baseAlert())).toEqual({
      severity: 'HIGH',
      type: 'RULE',
      detectionId: 'AWS.CloudTrail.RootActivity',
      alertId: 'b90c19e66e160e194a5b3b94ec27fb7c',
      dedupKey: createHash('sha256').update(body).digest('hex'),
    });
  });

  it('gives a Panther retry (same bytes) the same dedupKey and a "[Re-sent]" one another', () => {
    const original = attributesOf(baseAlert());
    expect(attributesOf(baseAlert()).dedupKey).toBe(original.dedupKey);
    expect(attributesOf(baseAlert({ title: '[Re-sent]: New Alert: Root account activity' })).dedupKey).not.toBe(original.dedupKey);
  });

  it('groups FIFO messages by detection, in the characters SQS allows', () => {
    const groupOf = (id: string) => {
      const decision = decide({ body: JSON.stringify(baseAlert({ id })) });
      return decision.action === 'enqueue' ? decision.messageGroupId : undefined;
    };
    expect(groupOf('AWS.CloudTrail.RootActivity')).toBe('AWS.CloudTrail.RootActivity');
    expect(groupOf('Räksmörgås rule')).toBe('R_ksm_rg_s_rule');
    expect(groupOf('x'.repeat(300))).toHaveLength(128);
  });

  it('leaves out an alert id that is null or empty (SQS refuses empty attribute values)', () => {
    expect(attributesOf(baseAlert({ alertId: null }))).not.toHaveProperty('alertId');
    expect(attributesOf(baseAlert({ alertId: '' }))).not.toHaveProperty('alertId');
  });

  it('replaces characters SQS refuses and caps the length, keeping the body intact', () => {
    const attributes = attributesOf(baseAlert({ id: `a\u0001b\uffff${'x'.repeat(400)}` }));
    expect(attributes.detectionId.startsWith('a\ufffdb\ufffd')).toBe(true);
    expect(attributes.detectionId).toHaveLength(256);
  });
});

describe('size limits', () => {
  it('accepts an alert whose body and attributes together just fit in 1 MiB', () => {
    const probe = decide({ body: padTo(1000).toString() });
    if (probe.action !== 'enqueue') throw new Error('probe refused');
    const attributeBytes = Object.entries(probe.attributes).reduce(
      (sum, [name, value]) => sum + name.length + 'String'.length + Buffer.byteLength(value),
      0,
    );
    const fits = padTo(MAX_MESSAGE_BYTES - attributeBytes);
    expect(decide({ body: fits.toString() }).action).toBe('enqueue');
    const oneMore = padTo(MAX_MESSAGE_BYTES - attributeBytes + 1);
    const refused = decide({ body: oneMore.toString() });
    expect(refused.action === 'reply' && refused.reply.statusCode).toBe(413);
  });
});

describe('combineOutcomes', () => {
  it('is the first message id only when every send succeeded; an unreachable queue decides first', () => {
    expect(
      combineOutcomes([
        { ok: true, messageId: 'a' },
        { ok: true, messageId: 'b' },
      ]),
    ).toEqual({ ok: true, messageId: 'a' });
    expect(
      combineOutcomes([
        { ok: true, messageId: 'a' },
        { ok: false, failure: 'refused' },
      ]),
    ).toEqual({ ok: false, failure: 'refused' });
    expect(
      combineOutcomes([
        { ok: false, failure: 'refused' },
        { ok: false, failure: 'unreachable' },
      ]),
    ).toMatchObject({ failure: 'unreachable' });
  });
});

describe('answers', () => {
  it('answers 200 with a receipt (message id, the routes that took it) only once SQS confirmed', () => {
    const reply = replyToEnqueue({ ok: true, messageId: 'm-1' });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toEqual({ status: 'queued', messageId: 'm-1', routes: [] });
    expect(replyToEnqueue({ ok: true, messageId: 'm-2' }, { routes: ['paging'] }).body).toEqual({
      status: 'queued',
      messageId: 'm-2',
      routes: ['paging'],
    });
  });

  it('answers 503 when SQS was unreachable and 502 when it refused, so Panther retries', () => {
    expect(replyToEnqueue({ ok: false, failure: 'unreachable' }).statusCode).toBe(503);
    expect(replyToEnqueue({ ok: false, failure: 'refused' }).statusCode).toBe(502);
    expect(UNEXPECTED_FAILURE_REPLY.statusCode).toBe(500);
  });

  it('never echoes the payload in an error', () => {
    const secretish = 'SENSITIVE-VALUE-42';
    for (const body of [`{"id": 1, "x": "${secretish}"`, JSON.stringify(baseAlert({ severity: secretish, createdAt: secretish }))]) {
      const decision = decide({ body });
      expect(decision.action).toBe('reply');
      expect(JSON.stringify(decision)).not.toContain(secretish);
    }
  });

  it('caps the list of failing fields', () => {
    const errors = Array.from({ length: 30 }, (_, i) => ({
      instancePath: `/tags/${i}`,
      schemaPath: '#/properties/tags/items/type',
      keyword: 'type',
      params: { type: 'string' },
      message: 'must be string',
    }));
    const lines = describeErrors(errors);
    expect(lines).toHaveLength(11);
    expect(lines[10]).toBe('… and 20 more');
  });
});

describe('authentication', () => {
  const alert = JSON.stringify(baseAlert());

  it('answers 401 without the header and 403 with a wrong value, before looking at the body', () => {
    const missing = decideOnDelivery({ body: 'not even JSON', headers: {} }, QUARANTINE);
    expect(missing).toMatchObject({ action: 'reply', reason: 'unauthenticated', reply: { statusCode: 401 } });
    const wrong = decideOnDelivery({ body: alert, headers: { 'X-Panther-Webhook-Secret': `${SECRET}x` } }, QUARANTINE);
    expect(wrong).toMatchObject({ action: 'reply', reason: 'forbidden', reply: { statusCode: 403 } });
    expect(decideOnDelivery({ body: alert, headers: null }, REJECT)).toMatchObject({ reply: { statusCode: 401 } });
  });

  it('matches the header name in any case, and trims the value', () => {
    expect(decideOnDelivery({ body: alert, headers: { 'x-panther-webhook-secret': ` ${SECRET} ` } }, REJECT).action).toBe('enqueue');
  });

  it('accepts every value of a rotation window, and only those', () => {
    const rotating: DeliveryPolicy = { ...REJECT, acceptedSecrets: ['new-secret-value-123', SECRET] };
    for (const value of ['new-secret-value-123', SECRET]) {
      expect(decideOnDelivery({ body: alert, headers: { 'X-Panther-Webhook-Secret': value } }, rotating).action).toBe('enqueue');
    }
    expect(decideOnDelivery({ body: alert, headers: { 'X-Panther-Webhook-Secret': 'new-secret' } }, rotating).action).toBe('reply');
  });

  it('never names the expected secret in its answer', () => {
    const wrong = decideOnDelivery({ body: alert, headers: { 'X-Panther-Webhook-Secret': 'guess' } }, REJECT);
    expect(JSON.stringify(wrong)).not.toContain(SECRET);
  });
});

describe('attributes', () => {
  it('caps every attribute taken from the body the same way, so a body that fits is never refused for one', () => {
    const long = 'A'.repeat(300_000); // three of them: a body of 900 KB, under SQS's 1 MiB
    const decision = decide({ body: JSON.stringify(baseAlert({ type: long, id: long, alertId: long })) }, REJECT);
    expect(decision.action).toBe('enqueue');
    if (decision.action !== 'enqueue') return;
    expect(decision.attributes.type).toBe('A'.repeat(MAX_ATTRIBUTE_CHARS));
    expect(decision.attributes.detectionId).toBe('A'.repeat(MAX_ATTRIBUTE_CHARS));
    expect(decision.attributes.alertId).toBe('A'.repeat(MAX_ATTRIBUTE_CHARS));
    // The body keeps the full values.
    expect((JSON.parse(decision.messageBody) as { type: string }).type).toHaveLength(300_000);
  });
});

describe('quarantine mode', () => {
  it('quarantines an authenticated body that is not an alert, with the reason and errors as attributes', () => {
    const body = JSON.stringify(baseAlert({ severity: 'URGENT' }));
    const decision = decide({ body }, QUARANTINE);
    expect(decision).toMatchObject({
      action: 'quarantine',
      messageBody: body,
      attributes: { reason: 'not-an-alert', errors: JSON.stringify(['severity: must be one of INFO, LOW, MEDIUM, HIGH, CRITICAL']) },
    });
    if (decision.action !== 'quarantine') return;
    const reply = replyToEnqueue({ ok: true, messageId: 'q-1' }, { quarantined: decision });
    expect(reply.statusCode).toBe(202);
    expect(reply.body).toEqual({
      status: 'quarantined',
      messageId: 'q-1',
      error: 'not a Panther alert',
      details: ['severity: must be one of INFO, LOW, MEDIUM, HIGH, CRITICAL'],
    });
  });

  it('keeps a body that is not UTF-8 as base64, and one that is not JSON as text', () => {
    const latin1 = Buffer.from([0x7b, 0xe9, 0x7d]);
    expect(decideOnDelivery(asBase64(latin1), QUARANTINE)).toMatchObject({
      action: 'quarantine',
      messageBody: latin1.toString('base64'),
      attributes: { reason: 'not-utf8', encoding: 'base64' },
    });
    expect(decide({ body: 'hello' }, QUARANTINE)).toMatchObject({
      action: 'quarantine',
      messageBody: 'hello',
      attributes: { reason: 'not-json' },
    });
  });

  it.each([
    ['a non-JSON body with a raw U+FFFE', 'hello \ufffe there'],
    ['a non-JSON body with a raw U+FFFF', 'odd \uffff'],
    ['a JSON non-alert with a raw U+FFFF in a string', JSON.stringify({ id: 'x', note: 'odd \uffff' })],
    ['a body with a raw control character', 'bell \u0007'],
  ])('keeps the exact bytes of %s as base64 (SQS cannot store it as text)', (_name, text) => {
    const bytes = Buffer.from(text, 'utf8');
    const decision = decideOnDelivery(asBase64(bytes), QUARANTINE);
    expect(decision).toMatchObject({ action: 'quarantine', attributes: { encoding: 'base64' } });
    if (decision.action !== 'quarantine') return;
    expect(Buffer.from(decision.messageBody, 'base64').equals(bytes)).toBe(true);
  });

  it('still refuses what cannot be queued at all: an empty body, or one over 1 MiB', () => {
    expect(decide({ body: '' }, QUARANTINE)).toMatchObject({ reply: { statusCode: 400 } });
    expect(decide({ body: 'x'.repeat(MAX_MESSAGE_BYTES + 1) }, QUARANTINE)).toMatchObject({ reply: { statusCode: 413 } });
    // base64 grows a non-UTF-8 body by a third: 900 KB no longer fits.
    const big = Buffer.alloc(900_000, 0xff);
    expect(decideOnDelivery(asBase64(big), QUARANTINE)).toMatchObject({ reply: { statusCode: 413 } });
  });

  it('fails with 5xx, never 2xx, when the quarantine queue cannot take it', () => {
    const decision = decide({ body: 'hello' }, QUARANTINE);
    if (decision.action !== 'quarantine') throw new Error('not quarantined');
    expect(replyToEnqueue({ ok: false, failure: 'unreachable' }, { quarantined: decision }).statusCode).toBe(503);
  });
});
