/** The archive's layout: createdAt (normalized to UTC) partitions, content-derived names, replay windows. */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { ARCHIVE_EARLY_DAYS, ARCHIVE_LATE_DAYS, archivePartitionPrefixes, partitionOf } from '../../../functions/core/archive-key';
import { archiveObjectOf } from '../../../functions/core/archive-object';
import { decidePayload } from '../../../functions/core/webhook-core';
import { awsDateTimeToEpochMs } from '../../../functions/core/aws-date-time';
import { awsDateTime, validAlert } from '../../corpus/arbitraries';
import { baseAlert, VALID_CASES } from '../../corpus/panther-payloads';
import { parsedByDate, partitionByIso } from '../../support/utc-partition';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const alertBody = (overrides: Record<string, unknown>) => JSON.stringify(baseAlert(overrides));

describe('awsDateTimeToEpochMs', () => {
  it('names the instant Date.parse names, for every AWSDateTime form', () => {
    fc.assert(
      fc.property(awsDateTime, (value) => {
        expect(awsDateTimeToEpochMs(value)).toBe(parsedByDate(value));
      }),
      { numRuns: 2_000 },
    );
  });

  it.each(['2020-10-13T03:35:24', '2020-02-30T00:00:00Z', '2020-10-13T24:00:00Z', 'yesterday', ''])('refuses %j', (value) => {
    expect(awsDateTimeToEpochMs(value)).toBeUndefined();
  });
});

/** The key the receiver writes a body to, arriving at `arrivalMs` (by default an hour after its createdAt). */
function keyOf(body: string, arrivalMs?: number, prefix = 'alerts/') {
  const decision = decidePayload({ body }, 'reject');
  if (decision.action !== 'enqueue') throw new Error(`not an alert: ${body}`);
  const arrival = arrivalMs ?? awsDateTimeToEpochMs(decision.alert.createdAt)! + HOUR;
  const { key, metadata } = archiveObjectOf(decision, arrival, prefix);
  return { key, placement: metadata.placement ?? 'created' };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const LAYOUT = /^alerts\/dt=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\/[0-9a-f]{64}\.json$/;

describe('the archive key of an accepted alert', () => {
  it.each([
    ['23:30 at -01:00 is the next UTC day', '2020-10-13T23:30:00-01:00', 'dt=2020-10-14/hour=00/'],
    ['00:30 at +01:00 is the previous UTC day', '2020-10-14T00:30:00+01:00', 'dt=2020-10-13/hour=23/'],
    ['the last nanosecond of a year stays in that year', '2020-12-31T23:59:59.999999999Z', 'dt=2020-12-31/hour=23/'],
    ['New Year at +01:00 is still the old year in UTC', '2021-01-01T00:59:59+01:00', 'dt=2020-12-31/hour=23/'],
    ['a minute east of UTC on 1 March of a leap year is 29 February', '2024-03-01T00:00:00+00:01', 'dt=2024-02-29/hour=23/'],
    ['a half-hour zone crosses the hour', '2020-10-13T05:35:24+05:30', 'dt=2020-10-13/hour=00/'],
    ['an offset with seconds crosses midnight', '2020-10-12T22:35:24-04:59:59', 'dt=2020-10-13/hour=03/'],
    ['exactly on the hour begins that hour', '2020-10-13T04:00:00Z', 'dt=2020-10-13/hour=04/'],
    ['a createdAt without seconds', '2020-10-13T03:59Z', 'dt=2020-10-13/hour=03/'],
  ])('%s: %s', (_name, createdAt, partition) => {
    const body = alertBody({ createdAt });
    expect(keyOf(body)).toEqual({ key: `alerts/${partition}${sha256(body)}.json`, placement: 'created' });
  });

  it('keys every valid corpus body by its createdAt in UTC and its SHA-256, in lower-case hex', () => {
    for (const { name, body } of VALID_CASES) {
      const text = body.toString('utf8');
      const createdAt = (JSON.parse(text) as { createdAt: string }).createdAt;
      const { key } = keyOf(text);
      // What is stored is the queue message's text: a raw U+FFFE/U+FFFF written as its JSON escape, as SQS needs.
      const stored = text.replace(/\uFFFF/g, '\\uffff').replace(/\uFFFE/g, '\\ufffe');
      expect({ name, key }).toEqual({ name, key: `alerts/${partitionByIso(parsedByDate(createdAt))}${sha256(stored)}.json` });
      expect(key).toMatch(LAYOUT);
    }
  });

  it('gives a retry the same key whenever it arrives within 3 days, and a "[Re-sent]" its own key in the same partition', () => {
    fc.assert(
      fc.property(validAlert, fc.integer({ min: 0, max: 3 * DAY }), (alert, later) => {
        const body = JSON.stringify(alert);
        const created = awsDateTimeToEpochMs(String(alert.createdAt))!;
        fc.pre(created >= 0 && created < Date.UTC(9999, 11, 30));
        const first = keyOf(body, created + 1_000);
        expect(first.placement).toBe('created');
        // A Panther retry is the same bytes, up to 3 days later.
        expect(keyOf(body, created + 1_000 + later).key).toBe(first.key);
        const resent = keyOf(JSON.stringify({ ...alert, title: `[Re-sent] ${String(alert.title ?? '')}` }), created + 1_000);
        expect(resent.key).not.toBe(first.key);
        expect(resent.key.slice(0, resent.key.lastIndexOf('/'))).toBe(first.key.slice(0, first.key.lastIndexOf('/')));
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['year 0000 with a + offset (year -1 in UTC)', '0000-01-01T00:30:00+01:00'],
    ['year 9999 with a - offset (year 10000 in UTC)', '9999-12-31T23:30:00-01:00'],
    ['a year long gone', '1969-07-20T20:17:40Z'],
    ['a week ahead of its arrival', '2026-12-14T12:00:00Z'],
    ['older than Panther retries and the inbox keeps', '2026-11-19T11:59:59Z'],
  ])('files an alert whose createdAt is implausible (%s) by its arrival hour, and says so', (_name, createdAt) => {
    const arrival = Date.UTC(2026, 11, 7, 12, 0, 0);
    const body = alertBody({ createdAt });
    expect(keyOf(body, arrival)).toEqual({ key: `alerts/dt=2026-12-07/hour=12/${sha256(body)}.json`, placement: 'arrival' });
  });

  it('always makes a key of the layout, dated within the days the Glue table projects around its arrival', () => {
    fc.assert(
      fc.property(validAlert, fc.integer({ min: 0, max: Date.UTC(2200, 0, 1) }), (alert, arrival) => {
        const { key } = keyOf(JSON.stringify(alert), arrival);
        const [, day] = LAYOUT.exec(key) ?? [];
        expect(day).toBeDefined();
        // The table projects NOW-(archiveDays+ARCHIVE_LATE_DAYS) to NOW+ARCHIVE_EARLY_DAYS (test/lib checks the template).
        const dayStart = Date.parse(`${day}T00:00:00Z`);
        expect(dayStart).toBeGreaterThanOrEqual(Math.floor(arrival / DAY) * DAY - ARCHIVE_LATE_DAYS * DAY);
        expect(dayStart).toBeLessThanOrEqual(arrival + ARCHIVE_EARLY_DAYS * DAY);
      }),
      { numRuns: 1_000 },
    );
  });

  it('takes exactly the late and early bounds as plausible, and not a millisecond beyond', () => {
    const arrival = Date.UTC(2026, 11, 7, 12);
    const at = (ms: number) => keyOf(alertBody({ createdAt: new Date(ms).toISOString() }), arrival).placement;
    expect(at(arrival - ARCHIVE_LATE_DAYS * DAY)).toBe('created');
    expect(at(arrival - ARCHIVE_LATE_DAYS * DAY - 1)).toBe('arrival');
    expect(at(arrival + ARCHIVE_EARLY_DAYS * DAY)).toBe('created');
    expect(at(arrival + ARCHIVE_EARLY_DAYS * DAY + 1)).toBe('arrival');
  });

  it('puts keys under the configured prefix, or at the top of the bucket', () => {
    const body = alertBody({});
    expect(keyOf(body, undefined, 'audit/panther/').key).toBe(`audit/panther/dt=2020-10-13/hour=03/${sha256(body)}.json`);
    expect(keyOf(body, undefined, '').key).toBe(`dt=2020-10-13/hour=03/${sha256(body)}.json`);
  });

  it('has no partition for a year without four digits', () => {
    expect(() => partitionOf(Date.UTC(10000, 0, 1))).toThrow(RangeError);
    expect(() => partitionOf(new Date('0000-01-01T00:00:00Z').getTime() - 1)).toThrow(RangeError);
    expect(partitionOf(new Date('0000-01-01T00:00:00Z').getTime())).toBe('dt=0000-01-01/hour=00/');
  });
});

describe('archivePartitionPrefixes', () => {
  const at = (iso: string) => Date.parse(iso);

  it.each([
    ['inside one hour', '2024-05-01T10:15:00Z', '2024-05-01T10:45:00Z', ['dt=2024-05-01/hour=10/']],
    ['until is excluded: an hour ending on the hour', '2024-05-01T10:00:00Z', '2024-05-01T11:00:00Z', ['dt=2024-05-01/hour=10/']],
    [
      'a millisecond past the hour',
      '2024-05-01T10:00:00Z',
      '2024-05-01T11:00:00.001Z',
      ['dt=2024-05-01/hour=10/', 'dt=2024-05-01/hour=11/'],
    ],
    ['a whole UTC day is one prefix', '2024-05-01T00:00:00Z', '2024-05-02T00:00:00Z', ['dt=2024-05-01/']],
    [
      'edge hours one by one, whole days in between',
      '2024-05-01T22:30:00Z',
      '2024-05-03T01:10:00Z',
      ['dt=2024-05-01/hour=22/', 'dt=2024-05-01/hour=23/', 'dt=2024-05-02/', 'dt=2024-05-03/hour=00/', 'dt=2024-05-03/hour=01/'],
    ],
    ['a day whose last hour is only partly in the window', '2024-05-01T00:00:00Z', '2024-05-01T23:00:00.001Z', ['dt=2024-05-01/']],
    [
      'a day less its last hour is hour by hour',
      '2024-05-01T00:00:00Z',
      '2024-05-01T23:00:00Z',
      Array.from({ length: 23 }, (_, hour) => `dt=2024-05-01/hour=${String(hour).padStart(2, '0')}/`),
    ],
    ['an empty window', '2024-05-01T10:00:00Z', '2024-05-01T10:00:00Z', []],
  ])('%s', (_name, since, until, expected) => {
    expect(archivePartitionPrefixes(at(since), at(until))).toEqual(expected.map((p) => `alerts/${p}`));
  });

  it('covers every instant of the window, once, and nothing beyond its hours, in time order', () => {
    const HOUR = 3_600_000;
    fc.assert(
      fc.property(
        // Instants and lengths on the hour as well as anywhere: the edges are where a window goes wrong.
        fc.oneof(
          fc.integer({ min: -5e11, max: 4e12 }),
          fc.integer({ min: -138_000, max: 1_100_000 }).map((h) => h * HOUR),
        ),
        fc.oneof(
          fc.integer({ min: 1, max: 80 * HOUR }),
          fc.integer({ min: 1, max: 80 }).map((h) => h * HOUR),
        ),
        fc.double({ min: -0.5, max: 1.5, noNaN: true }),
        (since, length, where) => {
          const until = since + length;
          const prefixes = archivePartitionPrefixes(since, until, 'p/');
          const instant = Math.floor(since + where * length);
          const holders = prefixes.filter((prefix) => `p/${partitionOf(instant)}`.startsWith(prefix));
          const inHours = instant >= Math.floor(since / HOUR) * HOUR && instant < Math.ceil(until / HOUR) * HOUR;
          expect(holders.length).toBe(inHours ? 1 : 0);
          expect([...prefixes].sort()).toEqual(prefixes);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('refuses a window that is not two instants', () => {
    expect(() => archivePartitionPrefixes(Number.NaN, 0)).toThrow('finite');
  });
});
