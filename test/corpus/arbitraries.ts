/**
 * fast-check generators for fuzzing: valid Panther alerts in all their documented variety, mutations
 * of them, and a reference oracle that says what the webhook must answer, computed the plain way
 * (Buffer round trip, JSON.parse, ajv compiling the same schema at run time).
 */
import fc from 'fast-check';
import { alertAjv, alertSchema } from '../../scripts/alert-ajv';
import { FORWARDER_SETTINGS } from '../../functions/core/settings';

const two = (n: number) => String(n).padStart(2, '0');
const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Every AWSDateTime form: seconds optional, 1–9 fraction digits, Z / ±hh:mm / ±hh:mm:ss. */
export const awsDateTime: fc.Arbitrary<string> = fc
  .record({
    year: fc.integer({ min: 1, max: 9999 }),
    month: fc.integer({ min: 1, max: 12 }),
    dayRatio: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    seconds: fc.option(fc.record({ second: fc.integer({ min: 0, max: 59 }), fraction: fc.option(fc.stringMatching(/^\d{1,9}$/)) })),
    zone: fc.oneof(
      fc.constant('Z'),
      fc
        .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
        .map(([s, h, m]) => `${s}${two(h)}:${two(m)}`),
      fc
        .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }))
        .map(([s, h, m, sec]) => `${s}${two(h)}:${two(m)}:${two(sec)}`),
    ),
  })
  .map(({ year, month, dayRatio, hour, minute, seconds, zone }) => {
    const day = 1 + Math.floor(dayRatio * daysIn(year, month));
    const time = `${two(hour)}:${two(minute)}${seconds ? `:${two(seconds.second)}${seconds.fraction ? `.${seconds.fraction}` : ''}` : ''}`;
    return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}T${time}${zone}`;
  });

const nullableString = fc.option(fc.string(), { nil: null });
/** Unknown keys must be unknown: an absent optional field given a wrong type would be invalid. */
const SCHEMA_KEYS = new Set(Object.keys((alertSchema() as { properties: object }).properties));

/** A valid alert: the four required fields, any subset of the optional ones, maybe unknown keys. */
export const validAlert: fc.Arbitrary<Record<string, unknown>> = fc
  .record(
    {
      id: fc.string({ minLength: 1 }),
      createdAt: awsDateTime,
      severity: fc.constantFrom('INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'),
      type: fc.oneof(
        fc.constantFrom('RULE', 'RULE_ERROR', 'POLICY', 'SCHEDULED_RULE', 'SCHEDULED_RULE_ERROR', 'SYSTEM_ERROR', 'CORRELATION_RULE'),
        fc.stringMatching(/^[A-Z][A-Z0-9_]{0,20}$/),
      ),
      link: fc.string(),
      title: fc.string(),
      name: nullableString,
      alertId: nullableString,
      alertContext: fc.jsonValue(),
      description: nullableString,
      runbook: nullableString,
      tags: fc.option(fc.array(fc.string()), { nil: null }),
      version: nullableString,
    },
    { requiredKeys: ['id', 'createdAt', 'severity', 'type'] },
  )
  .chain((alert) =>
    fc
      .dictionary(
        fc.string().filter((k) => !SCHEMA_KEYS.has(k) && !(k in alert) && k !== '__proto__'),
        fc.jsonValue(),
        { maxKeys: 3 },
      )
      .map((extra) => ({ ...extra, ...alert })),
  );

/** A valid alert changed in one way that may or may not keep it valid. */
export const mutatedAlert: fc.Arbitrary<Buffer> = fc.oneof(
  fc.tuple(validAlert, fc.nat()).map(([alert, n]) => {
    const keys = Object.keys(alert);
    const copy = { ...alert };
    delete copy[keys[n % keys.length]!];
    return Buffer.from(JSON.stringify(copy));
  }),
  fc
    .tuple(validAlert, fc.constantFrom('id', 'createdAt', 'severity', 'type', 'tags', 'name', 'link'), fc.jsonValue())
    .map(([alert, key, value]) => Buffer.from(JSON.stringify({ ...alert, [key]: value }))),
  fc.tuple(validAlert, fc.nat(), fc.string({ minLength: 1, maxLength: 3 })).map(([alert, n, text]) => {
    const at = n % (String(alert.createdAt).length + 1);
    const createdAt = String(alert.createdAt);
    return Buffer.from(JSON.stringify({ ...alert, createdAt: createdAt.slice(0, at) + text + createdAt.slice(at + 1) }));
  }),
  fc.tuple(validAlert, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([alert, n, byte]) => {
    const bytes = Buffer.from(JSON.stringify(alert));
    bytes[n % bytes.length] = byte;
    return bytes;
  }),
  fc.tuple(validAlert, fc.nat()).map(([alert, n]) => {
    const bytes = Buffer.from(JSON.stringify(alert));
    return bytes.subarray(0, n % bytes.length);
  }),
);

const reference = alertAjv().compile(alertSchema());

/** What the webhook must answer for these bytes, worked out independently of its code. */
export function expectedStatus(bytes: Buffer): 200 | 400 | 413 {
  if (bytes.length > FORWARDER_SETTINGS.maxMessageBytes) return 413;
  if (bytes.length === 0) return 400;
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) return 400; // not UTF-8: the round trip changed it
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 400;
  }
  return reference(parsed) ? 200 : 400;
}
