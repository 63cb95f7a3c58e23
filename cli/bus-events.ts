/**
 * `bus-events`: what local mode's recording bus (local/embedded-bus.ts, `npm start -- --bus`) has
 * received, read over HTTP (GET /events) and printed; nothing is removed, so it can be run again.
 */

/** Local mode's recording bus, where `npm start -- --bus` puts it unless BUS_PORT says otherwise. */
export const DEFAULT_BUS_PORT = 4568;

interface RecordedEvent {
  readonly eventId: string;
  readonly receivedAt: string;
  readonly entry: { readonly Source?: string; readonly DetailType?: string; readonly Detail?: string; readonly Resources?: string[] };
}

/** One line per event: when, its id, source and detail-type, and what rules would match on. */
export function busEventLine({ eventId, receivedAt, entry }: RecordedEvent): string {
  let detail: Record<string, unknown> = {};
  try {
    detail = JSON.parse(entry.Detail ?? '{}') as Record<string, unknown>;
  } catch {
    // Shown as it is below: the bus took a detail that is not JSON, which is itself worth seeing.
  }
  const fields = ['severity', 'type', 'id'].map((name) => `${name}=${String(detail[name] ?? '')}`).join(' ');
  const pointer = detail.truncated === true ? ` pointer ${String(detail.archiveUri ?? '')}` : '';
  return `${receivedAt} ${eventId} ${entry.Source} "${entry.DetailType}" ${fields}${pointer}`;
}

/** Prints the events (as JSON lines with `json`); 1 when the bus cannot be read. */
export async function printBusEvents(url: string, json: boolean): Promise<number> {
  let events: RecordedEvent[];
  try {
    const answer = await fetch(url);
    if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
    ({ events } = (await answer.json()) as { events: RecordedEvent[] });
  } catch (error) {
    console.error(`Could not read ${url}: ${(error as Error).message}. Is local mode running with --bus?`);
    return 1;
  }
  for (const event of events) console.log(json ? JSON.stringify(event) : busEventLine(event));
  if (!json) console.log(`${events.length} event(s) on the bus`);
  return 0;
}
