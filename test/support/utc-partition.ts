/**
 * The archive partition of a createdAt, worked out another way than the code under test: Date.parse
 * reads every AWSDateTime form but an offset with seconds, whose seconds are taken off by hand (it
 * keeps milliseconds only, cutting the rest, as the archive does), and Date renders the UTC day and hour.
 */
export function parsedByDate(value: string): number {
  const withSeconds = /([+-])\d{2}:\d{2}:(\d{2})$/.exec(value);
  if (withSeconds === null) return Date.parse(value);
  const seconds = Number(withSeconds[2]) * (withSeconds[1] === '-' ? -1 : 1);
  return Date.parse(value.slice(0, -3)) - seconds * 1000;
}

/** `dt=YYYY-MM-DD/hour=HH/` from Date's own ISO rendering (years 0-9999). */
export function partitionByIso(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}/`;
}
