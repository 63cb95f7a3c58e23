/**
 * The `Name: value` lines local mode and the embedded SQS server print once ready (`Webhook URL: …`,
 * `Header: <Name>: <value>`), read back by scripts, the tests and the benchmark.
 */

const READY_LINE = /^([A-Za-z][\w -]*): (.+)$/;

/** A ready line's name and value; undefined for any other line. */
export function parseReadyLine(line: string): { readonly name: string; readonly value: string } | undefined {
  const match = READY_LINE.exec(line);
  return match ? { name: match[1]!, value: match[2]! } : undefined;
}

/** The value of the `Header:` line (`<Name>: <value>`) as a headers object. */
export function headerFromReadyLine(value: string): Record<string, string> {
  const colon = value.indexOf(':');
  return { [value.slice(0, colon)]: value.slice(colon + 1).trim() };
}
