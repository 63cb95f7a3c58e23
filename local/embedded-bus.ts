/**
 * A recording EventBridge on 127.0.0.1 for local mode and tests: it answers PutEvents (AWS JSON 1.1)
 * as EventBridge does and keeps each entry exactly as it arrived, in memory. It matches no rules and
 * delivers nowhere (no home-made rule engine): it shows what the bus would receive.
 *
 * `GET /events` lists what it recorded, oldest first, without removing anything: what
 * `npx --no panther-forwarder bus-events` shows.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One PutEvents entry as it arrived (the API's field names), with when and the id it was given. */
export interface RecordedEvent {
  readonly eventId: string;
  readonly receivedAt: string;
  readonly entry: Readonly<Record<string, unknown>>;
}

export interface EmbeddedBus {
  /** The endpoint PutEvents goes to (AWS_ENDPOINT_URL_EVENTBRIDGE). */
  readonly endpoint: string;
  /** Where the recorded events are listed (GET). */
  readonly eventsUrl: string;
  events(): readonly RecordedEvent[];
  stop(): Promise<void>;
}

/** EventBridge's own limit on entries per request. */
const MAX_ENTRIES = 10;

export async function startEmbeddedBus(port = 0, host = '127.0.0.1'): Promise<EmbeddedBus> {
  const recorded: RecordedEvent[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
      };
      if (req.method === 'GET' && req.url === '/events') return answer(200, { events: recorded });
      if (req.headers['x-amz-target'] !== 'AWSEvents.PutEvents')
        return answer(400, { __type: 'UnknownOperationException', message: 'only PutEvents is served here' });
      let entries: unknown;
      try {
        entries = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Entries?: unknown }).Entries;
      } catch {
        return answer(400, { __type: 'SerializationException', message: 'body is not JSON' });
      }
      if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_ENTRIES)
        return answer(400, { __type: 'ValidationException', message: `Entries must hold 1 to ${MAX_ENTRIES} entries` });
      const receivedAt = new Date().toISOString();
      const ids = (entries as Record<string, unknown>[]).map((entry) => {
        const eventId = randomUUID();
        recorded.push({ eventId, receivedAt, entry });
        return { EventId: eventId };
      });
      return answer(200, { FailedEntryCount: 0, Entries: ids });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const endpoint = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    eventsUrl: `${endpoint}/events`,
    events: () => recorded,
    stop: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
