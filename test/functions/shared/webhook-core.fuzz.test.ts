/** The pure core under fast-check: it never throws and always agrees with the reference oracle. */
import fc from 'fast-check';
import { isAwsDateTime } from '../../../functions/shared/aws-date-time';
import { decideOnDelivery } from '../../../functions/shared/webhook-core';
import { awsDateTime, expectedStatus, mutatedAlert, validAlert } from '../../corpus/arbitraries';

const statusOf = (bytes: Buffer) => {
  const decision = decideOnDelivery({ body: bytes.toString('base64'), isBase64Encoded: true });
  return decision.action === 'enqueue' ? 200 : decision.reply.statusCode;
};

const agrees = (bytes: Buffer) => {
  expect(statusOf(bytes)).toBe(expectedStatus(bytes));
};

describe('decideOnDelivery (fuzz)', () => {
  it('accepts every AWSDateTime form', () => {
    fc.assert(fc.property(awsDateTime, (value) => isAwsDateTime(value)), { numRuns: 5_000 });
  });

  it('queues every generated valid alert', () => {
    fc.assert(fc.property(validAlert, (alert) => statusOf(Buffer.from(JSON.stringify(alert))) === 200), { numRuns: 3_000 });
  });

  it('agrees with the oracle on mutated alerts', () => {
    fc.assert(fc.property(mutatedAlert, agrees), { numRuns: 5_000 });
  });

  it('agrees with the oracle on arbitrary bytes and arbitrary JSON', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => agrees(Buffer.from(bytes))), { numRuns: 3_000 });
    fc.assert(fc.property(fc.jsonValue(), (value) => agrees(Buffer.from(JSON.stringify(value) ?? ''))), { numRuns: 3_000 });
  });

  it('never throws on a body that is not base64 although flagged so, or on odd plain strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.boolean(), (body, isBase64Encoded) => {
        const decision = decideOnDelivery({ body, isBase64Encoded });
        expect(['enqueue', 'reply']).toContain(decision.action);
      }),
      { numRuns: 3_000 },
    );
  });
});
