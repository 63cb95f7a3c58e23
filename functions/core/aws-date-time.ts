/**
 * The `aws-date-time` format of the alert schema: AppSync's AWSDateTime, which is what Panther
 * documents for `createdAt`. Real alerts carry whole seconds (`2020-10-13T03:35:24Z`), test alerts
 * 1–9 fraction digits; the format also allows omitting the seconds and offsets `±hh:mm[:ss]`.
 *
 * A regular expression checks the shape and a few comparisons the calendar (no 31 April, 29
 * February only in leap years), so a malformed timestamp is refused before it reaches a consumer.
 */
const AWS_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:Z|([+-])(\d{2}):(\d{2})(?::(\d{2}))?)$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function isAwsDateTime(value: string): boolean {
  const m = AWS_DATE_TIME.exec(value);
  if (m === null) return false;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1) return false;
  const lastDay = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
  if (day > lastDay || hour > 23 || minute > 59) return false;
  // Seconds and the offset's parts are optional; an absent one is undefined and always in range.
  const inRange = (part: string | undefined, max: number) => part === undefined || Number(part) <= max;
  return inRange(m[6], 59) && inRange(m[9], 23) && inRange(m[10], 59) && inRange(m[11], 59);
}

/**
 * The instant an AWSDateTime names, in milliseconds since the epoch (UTC); undefined when it is not
 * one. Digits past the millisecond are dropped (rounded down), which keeps every comparison with a
 * whole-millisecond bound exact: t >= bound exactly when floor(t) >= bound.
 */
export function awsDateTimeToEpochMs(value: string): number | undefined {
  const m = AWS_DATE_TIME.exec(value);
  if (m === null || !isAwsDateTime(value)) return undefined;
  const part = (index: number) => Number(m[index] ?? 0);
  const instant = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999.
  instant.setUTCFullYear(part(1), part(2) - 1, part(3));
  instant.setUTCHours(part(4), part(5), part(6), Number((m[7] ?? '').padEnd(3, '0').slice(0, 3)));
  const offsetSeconds = part(9) * 3600 + part(10) * 60 + part(11);
  // Local time is UTC plus the offset, so UTC is local time minus it.
  return instant.getTime() - (m[8] === '-' ? -offsetSeconds : offsetSeconds) * 1000;
}

/** Ajv looks formats up by name on this object, in standalone code as well as at run time. */
export const formats = { 'aws-date-time': isAwsDateTime };
