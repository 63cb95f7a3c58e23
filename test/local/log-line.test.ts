/**
 * The line local mode prints per request: whatever a client puts in a path or an alert, it stays one
 * line of the same fields, with nothing a terminal would act on or hide.
 */
import fc from 'fast-check';
import { logLine, type RequestLog } from '../../local/webhook-server';

const NOW = new Date('2026-01-02T03:04:05.678Z');
/** What must never reach the terminal raw: controls (C0, DEL, C1), format controls (bidi among them), line separators, lone surrogates. */
const RAW_HAZARD = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

/** One field as a reader of the line sees it: an optional `name=`, then a bare word or a JSON string. */
const FIELD = /(?:([a-z]+)=)?("(?:[^"\\]|\\.)*"|[^ "]+)(?: |$)/y;

/** The line read back field by field, without the timestamp, as [name, value] pairs (positional fields unnamed). */
function readBack(line: string): Array<[string, string]> {
  expect(line.startsWith(`${NOW.toISOString()} `)).toBe(true);
  const fields: Array<[string, string]> = [];
  FIELD.lastIndex = NOW.toISOString().length + 1;
  for (let match = FIELD.exec(line); match; match = FIELD.exec(line)) {
    const [, name = '', value = ''] = match;
    fields.push([name, value.startsWith('"') ? (JSON.parse(value) as string) : value]);
    if (FIELD.lastIndex === line.length) return fields;
  }
  throw new Error(`unreadable at ${FIELD.lastIndex}: ${line}`);
}

/** The fields a line must show for this entry, in order. */
function expectedFields(entry: RequestLog): Array<[string, string]> {
  return [
    ['', entry.method],
    ['', entry.path],
    ['', String(entry.statusCode)],
    ...(entry.alertId === undefined ? [] : [['alert', entry.alertId] as [string, string]]),
    ...(entry.severity === undefined ? [] : [['severity', entry.severity] as [string, string]]),
    ['', `${entry.milliseconds}ms`],
  ];
}

/** Strings made to forge: pieces of fields, quotes, escapes, line breaks, bidi and other controls, mixed with anything. */
const hostile = fc
  .array(
    fc.oneof(
      fc.constantFrom(' severity=CRITICAL', ' alert=FORGED', ' 200 ', '"', '\\', '\\"', '=', ' ', '\n', '\r', '\t', '\u001b[2J'),
      fc.constantFrom(
        '\u061c',
        '\u200e',
        '\u200f',
        '\u202a',
        '\u202b',
        '\u202c',
        '\u202d',
        '\u202e',
        '\u2066',
        '\u2067',
        '\u2068',
        '\u2069',
      ),
      fc.constantFrom('\u007f', '\u0085', '\u009b', '\u2028', '\u2029', '\ufeff', '\u00ad', '\ud800', '\udfff', '\u{e0001}', '😀'),
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.constantFrom('Test.Alert', '/alerts', 'CRITICAL', 'a1b2c3'),
    ),
    { maxLength: 12 },
  )
  .map((pieces) => pieces.join(''));

const entries: fc.Arbitrary<RequestLog> = fc.record(
  {
    method: fc.oneof(fc.constant('POST'), hostile),
    path: fc.oneof(fc.constant('/alerts'), hostile),
    statusCode: fc.integer({ min: 100, max: 599 }),
    milliseconds: fc.nat(100_000),
    alertId: hostile,
    severity: hostile,
  },
  { requiredKeys: ['method', 'path', 'statusCode', 'milliseconds'] },
);

describe('logLine', () => {
  it('shows plain values bare, so the usual line stays easy to read', () => {
    const line = logLine(
      { method: 'POST', path: '/alerts', statusCode: 200, alertId: 'Test.Alert', severity: 'INFO', milliseconds: 3 },
      NOW,
    );
    expect(line).toBe('2026-01-02T03:04:05.678Z POST /alerts 200 alert=Test.Alert severity=INFO 3ms');
  });

  it('quotes a value that carries a field, a quote, a line break and U+202E: still one alert field and no severity', () => {
    const alertId = 'x" severity=CRITICAL\n2026-01-01T00:00:00.000Z POST /alerts 200 \u202eLACITIRC';
    const line = logLine({ method: 'POST', path: '/alerts', statusCode: 200, alertId, milliseconds: 3 }, NOW);
    expect(line).not.toMatch(RAW_HAZARD);
    expect(line).toContain('\\u202e');
    expect(readBack(line)).toEqual([
      ['', 'POST'],
      ['', '/alerts'],
      ['', '200'],
      ['alert', alertId],
      ['', '3ms'],
    ]);
  });

  it('reads back as exactly the fields of the entry, with no raw control, for any values (fuzz)', () => {
    fc.assert(
      fc.property(entries, (entry) => {
        const line = logLine(entry, NOW);
        expect(line).not.toMatch(RAW_HAZARD);
        expect(readBack(line)).toEqual(expectedFields(entry));
      }),
      { numRuns: 5_000 },
    );
  });
});
