/** The pure core under fast-check: it never throws and always agrees with the reference oracle. */
import fc from 'fast-check';
import { isAwsDateTime } from '../../../functions/core/aws-date-time';
import { SQS_REFUSES } from '../../../functions/core/sqs-text';
import { decideOnDelivery, type DeliveryPolicy } from '../../../functions/core/webhook-core';
import { awsDateTime, expectedStatus, mutatedAlert, validAlert } from '../../corpus/arbitraries';

const HEADERS = { 'X-Panther-Webhook-Secret': 'fuzz-secret-0123456789' };
const policy = (invalidPayloads: DeliveryPolicy['invalidPayloads']): DeliveryPolicy => ({
  authHeaderName: 'X-Panther-Webhook-Secret',
  acceptedSecrets: [HEADERS['X-Panther-Webhook-Secret']],
  invalidPayloads,
});

const decisionOf = (bytes: Buffer, mode: DeliveryPolicy['invalidPayloads'] = 'reject') =>
  decideOnDelivery({ body: bytes.toString('base64'), isBase64Encoded: true, headers: HEADERS }, policy(mode));

const statusOf = (bytes: Buffer) => {
  const decision = decisionOf(bytes);
  if (decision.action === 'quarantine') throw new Error('reject mode quarantined');
  return decision.action === 'enqueue' ? 200 : decision.reply.statusCode;
};

const agrees = (bytes: Buffer) => {
  expect(statusOf(bytes)).toBe(expectedStatus(bytes));
};

describe('decideOnDelivery (fuzz)', () => {
  it('accepts every AWSDateTime form', () => {
    fc.assert(
      fc.property(awsDateTime, (value) => isAwsDateTime(value)),
      { numRuns: 5_000 },
    );
  });

  it('queues every generated valid alert', () => {
    fc.assert(
      fc.property(validAlert, (alert) => statusOf(Buffer.from(JSON.stringify(alert))) === 200),
      { numRuns: 3_000 },
    );
  });

  it('agrees with the oracle on mutated alerts', () => {
    fc.assert(fc.property(mutatedAlert, agrees), { numRuns: 5_000 });
  });

  it('agrees with the oracle on arbitrary bytes and arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => agrees(Buffer.from(bytes))),
      { numRuns: 3_000 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (value) => agrees(Buffer.from(JSON.stringify(value) ?? ''))),
      { numRuns: 3_000 },
    );
  });

  it('in quarantine mode, enqueues exactly the alerts and quarantines every other non-empty body that fits', () => {
    fc.assert(
      fc.property(mutatedAlert, (bytes) => {
        const expected = expectedStatus(bytes);
        const decision = decisionOf(bytes, 'quarantine');
        if (expected === 200) expect(decision.action).toBe('enqueue');
        else if (bytes.length === 0) expect(decision.action).toBe('reply');
        else expect(decision.action).toBe('quarantine');
      }),
      { numRuns: 3_000 },
    );
  });

  it('never throws on a body that is not base64 although flagged so, or on odd plain strings', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.boolean(),
        fc.constantFrom('quarantine' as const, 'reject' as const),
        (body, isBase64Encoded, mode) => {
          const decision = decideOnDelivery({ body, isBase64Encoded, headers: HEADERS }, policy(mode));
          expect(['enqueue', 'quarantine', 'reply']).toContain(decision.action);
          // Whatever goes to a queue, SQS can store: the send can only fail for SQS's own reasons.
          if (decision.action !== 'reply') {
            expect(SQS_REFUSES.test(decision.messageBody)).toBe(false);
            for (const value of Object.values(decision.attributes)) expect(SQS_REFUSES.test(value as string)).toBe(false);
          }
        },
      ),
      { numRuns: 3_000 },
    );
  });
});
