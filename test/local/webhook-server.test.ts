/**
 * The local API Gateway stand-in itself: it survives clients that go away mid-request, and a
 * stranger cannot make it read (and hold) a large body: past UNAUTHENTICATED_BODY_CAP_BYTES the
 * secret is checked, and a request without it is answered as the receiver answers it, unread.
 * Real HTTP on 127.0.0.1, in process and against `npm start`'s program.
 */
import { request } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Server } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import {
  createWebhookServer,
  type ProxyHandler,
  refuseStrangers,
  type RequestLog,
  UNAUTHENTICATED_BODY_CAP_BYTES,
} from '../../local/webhook-server';
import { until } from '../support/until';
import { SecretUnavailableError } from '../../functions/runtime/secret-source';
import { padTo, TOO_LARGE_CASES } from '../corpus/panther-payloads';
import { postBody, type Answer } from '../support/http';
import { authHeaderOf, startLocalMode, stopAll } from '../support/processes';

const HEADER = 'X-Panther-Webhook-Secret';
const SECRET = 'in-process-secret-0123456789';
const MiB = 1024 * 1024;
/**
 * Beyond the cap, what a server that stopped reading may still have taken in: the socket read that
 * crossed it and those the request stream buffered meanwhile (64 KiB each, a few at most).
 */
const READ_AHEAD_BYTES = 256 * 1024;

afterAll(stopAll);

/**
 * POSTs announcing `announced` bytes but sending only `sent`, and never the rest: an answer can only
 * come from a server that did not wait for the whole body. Undefined when none came within 5 s.
 */
function partialPost(url: string, headers: Record<string, string>, announced: number, sent: number): Promise<Answer | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': announced, ...headers } });
    const timer = setTimeout(() => finish(undefined), 5_000);
    const finish = (answer: Answer | undefined) => {
      clearTimeout(timer);
      req.destroy();
      resolve(answer);
    };
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => finish({ status: res.statusCode!, body: Buffer.concat(chunks).toString() }));
    });
    // The server may close while the client still writes: the answer (or its absence) says what happened.
    req.on('error', () => undefined);
    req.write(Buffer.alloc(sent, 'a'));
  });
}

/** The adapter is under test here: the handler is a stand-in that answers the length of the body it got. */
const answerBodyLength = async (event: APIGatewayProxyEvent) => ({
  statusCode: 200,
  body: String(Buffer.from(event.body ?? '', 'base64').length),
});

/** A local server in process, checking the in-process secret (or this source); counts handler calls and bytes read. */
async function startServer({
  handler = answerBodyLength,
  secrets = async (): Promise<readonly string[]> => [SECRET],
}: {
  handler?: ProxyHandler;
  secrets?: () => Promise<readonly string[]>;
} = {}) {
  const calls: APIGatewayProxyEvent[] = [];
  const logged: RequestLog[] = [];
  const sockets: Socket[] = [];
  const server: Server = createWebhookServer({
    handler: async (event, context) => {
      calls.push(event);
      return handler(event, context);
    },
    refuseStranger: refuseStrangers(HEADER, secrets),
    onRequest: (entry) => logged.push(entry),
  });
  server.on('connection', (socket: Socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`,
    calls,
    /** What the server reported of each request, once answered. */
    logged,
    openSockets: () => sockets.filter((socket) => !socket.closed).length,
    /** Bytes the server read from the last connection, once it closed it (bounded wait). */
    async bytesReadOnClose(): Promise<number> {
      const socket = sockets.at(-1)!;
      if (!socket.closed) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise((resolve) => socket.once('close', resolve)),
          new Promise((resolve) => (timer = setTimeout(resolve, 5_000))),
        ]);
        clearTimeout(timer);
      }
      expect(socket.closed).toBe(true);
      return socket.bytesRead;
    },
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('createWebhookServer', () => {
  it('keeps serving after a client disconnects in the middle of its body', async () => {
    const server = await startServer({
      handler: async (event) => ({ statusCode: 200, body: Buffer.from(event.body ?? '', 'base64').toString() }),
    });
    try {
      await new Promise<void>((resolve) => {
        const socket = connect(Number(new URL(server.url).port), '127.0.0.1', () => {
          // A Host local mode answers (another name is refused before the body is read, which tests nothing here).
          socket.write(`POST /alerts HTTP/1.1\r\nHost: ${new URL(server.url).host}\r\nContent-Length: 100000\r\n\r\n{"id":`);
          setTimeout(() => {
            socket.destroy();
            resolve();
          }, 100);
        });
      });
      // The server let the cut request's socket go, without calling the handler or logging an answer.
      expect(await until(() => server.openSockets() === 0, 2_000)).toBe(true);
      expect(server.calls).toHaveLength(0);
      expect(server.logged).toEqual([]);
      const answer = await fetch(server.url, { method: 'POST', body: '{"after":1}' });
      expect(answer.status).toBe(200);
      expect(await answer.text()).toBe('{"after":1}');
    } finally {
      server.close();
    }
  });

  it.each([
    ['missing', {}, 401],
    ['wrong', { [HEADER]: 'not-the-secret' }, 403],
  ])(
    'answers a large body with a %s header at once, having read little more than the cap and never calling the handler',
    async (word, headers, status) => {
      const server = await startServer();
      try {
        const answer = await partialPost(server.url, headers, 8 * MiB, 2 * MiB);
        expect(answer?.status).toBe(status);
        expect(JSON.parse(answer!.body)).toEqual({ error: `${word} ${HEADER} header`, requestId: expect.any(String) });
        expect(await server.bytesReadOnClose()).toBeLessThan(UNAUTHENTICATED_BODY_CAP_BYTES + READ_AHEAD_BYTES);
        expect(server.calls).toHaveLength(0);
      } finally {
        server.close();
      }
    },
  );

  it('still gives a body of up to the cap with no header to the handler, which decides; one byte more is refused', async () => {
    const server = await startServer();
    try {
      const answer = await postBody(server.url, 'x'.repeat(UNAUTHENTICATED_BODY_CAP_BYTES));
      expect(answer).toEqual({ status: 200, body: String(UNAUTHENTICATED_BODY_CAP_BYTES) });
      expect((await postBody(server.url, 'x'.repeat(UNAUTHENTICATED_BODY_CAP_BYTES + 1))).status).toBe(401);
      expect(server.calls).toHaveLength(1);
    } finally {
      server.close();
    }
  });

  it('gives an authenticated large body to the handler whole', async () => {
    const server = await startServer();
    try {
      expect(await postBody(server.url, Buffer.alloc(3 * MiB, 'a'), { [HEADER]: SECRET })).toEqual({ status: 200, body: String(3 * MiB) });
    } finally {
      server.close();
    }
  });

  it('answers a large body without the header 401 even when the secret cannot be read, as the receiver does', async () => {
    const server = await startServer({
      secrets: async () => {
        throw new SecretUnavailableError('Secrets Manager is down');
      },
    });
    try {
      const answer = await partialPost(server.url, {}, 8 * MiB, 2 * MiB);
      expect(answer?.status).toBe(401);
      expect(server.calls).toHaveLength(0);
    } finally {
      server.close();
    }
  });

  it('answers a large body 503 at once when the secret cannot be read, as the receiver answers any request with the header then', async () => {
    const server = await startServer({
      secrets: async () => {
        throw new SecretUnavailableError('Secrets Manager is down');
      },
    });
    try {
      const answer = await partialPost(server.url, { [HEADER]: SECRET }, 8 * MiB, 2 * MiB);
      expect(answer?.status).toBe(503);
      expect(JSON.parse(answer!.body)).toEqual({ error: 'authentication unavailable; retry later', requestId: expect.any(String) });
      expect(server.calls).toHaveLength(0);
    } finally {
      server.close();
    }
  });
});

describe('createWebhookServer answers as API Gateway does', () => {
  it('404 for another path, naming the one Panther posts to; 405 with Allow for another method; no handler call', async () => {
    const server = await startServer();
    try {
      const elsewhere = await postBody(server.url.replace(/\/alerts$/, '/alert'), '{}', { [HEADER]: SECRET });
      expect(elsewhere.status).toBe(404);
      expect(JSON.parse(elsewhere.body).message).toBe('Not found. Panther posts to /alerts');
      const get = await fetch(server.url);
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
      expect(server.calls).toHaveLength(0);
      expect(server.logged.map((entry) => [entry.method, entry.path, entry.statusCode])).toEqual([
        ['POST', '/alert', 404],
        ['GET', '/alerts', 405],
      ]);
    } finally {
      server.close();
    }
  });

  it("413 for an owner's body over API Gateway's 10 MiB, which the handler never gets", async () => {
    const server = await startServer();
    try {
      const answer = await postBody(server.url, Buffer.alloc(10 * MiB + 1, 'a'), { [HEADER]: SECRET });
      expect(answer).toEqual({ status: 413, body: JSON.stringify({ message: 'Request Entity Too Large' }) });
      expect(server.calls).toHaveLength(0);
      expect((await postBody(server.url, Buffer.alloc(10 * MiB, 'a'), { [HEADER]: SECRET })).status).toBe(200);
    } finally {
      server.close();
    }
  });

  it('502 Internal server error when the handler throws (a failed integration), and serves the next request', async () => {
    let calls = 0;
    const server = await startServer({
      handler: async (event) => {
        calls += 1;
        if (calls === 1) throw new Error('the function crashed');
        return answerBodyLength(event);
      },
    });
    try {
      expect(await postBody(server.url, '{}', { [HEADER]: SECRET })).toEqual({
        status: 502,
        body: JSON.stringify({ message: 'Internal server error' }),
      });
      expect(await postBody(server.url, '{}', { [HEADER]: SECRET })).toEqual({ status: 200, body: '2' });
    } finally {
      server.close();
    }
  });

  it("logs an accepted alert's id (alertId, else id) and severity, a quarantine's reason (base64 too), nothing of other bodies", async () => {
    const replies: Array<{ statusCode: number; body: string; isBase64Encoded?: boolean }> = [
      { statusCode: 200, body: '{}' },
      { statusCode: 200, body: '{}' },
      { statusCode: 200, body: '{}' },
      {
        statusCode: 202,
        body: Buffer.from(JSON.stringify({ status: 'quarantined', error: 'createdAt: must match format' })).toString('base64'),
        isBase64Encoded: true,
      },
      { statusCode: 202, body: 'not json' },
    ];
    const server = await startServer({ handler: async () => replies.shift()! });
    try {
      for (const body of [
        JSON.stringify({ alertId: '', id: 'detection-1', severity: 'HIGH' }),
        '["an", "array"]',
        '{"alertId": 7}',
        // Quarantined (202): the log says why, never what the body claims.
        JSON.stringify({ alertId: 'claimed-1', severity: 'CRITICAL' }),
        JSON.stringify({ alertId: 'claimed-2', severity: 'CRITICAL' }),
      ]) {
        await postBody(server.url, body, { [HEADER]: SECRET });
      }
      expect(server.logged.map(({ statusCode, alertId, severity, reason }) => ({ statusCode, alertId, severity, reason }))).toEqual([
        { statusCode: 200, alertId: 'detection-1', severity: 'HIGH', reason: undefined },
        { statusCode: 200, alertId: undefined, severity: undefined, reason: undefined },
        { statusCode: 200, alertId: undefined, severity: undefined, reason: undefined },
        { statusCode: 202, alertId: undefined, severity: undefined, reason: 'createdAt: must match format' },
        { statusCode: 202, alertId: undefined, severity: undefined, reason: undefined },
      ]);
    } finally {
      server.close();
    }
  });
});

describe('local mode (npm start) with large bodies', () => {
  it("answers a stranger's large body as it answers a small one, without waiting for the rest; an owner's large alert is queued", async () => {
    const local = await startLocalMode({ INVALID_PAYLOADS: 'reject' });
    const webhook = local.printed['Webhook URL']!;
    const auth = authHeaderOf(local);
    const strangers: Array<[Record<string, string>, number]> = [
      [{}, 401],
      [{ [Object.keys(auth)[0]!]: 'not-the-secret' }, 403],
    ];
    for (const [headers, status] of strangers) {
      const small = await postBody(webhook, '{}', headers);
      const large = await partialPost(webhook, headers, 10 * MiB, MiB);
      expect([small.status, large?.status]).toEqual([status, status]);
      // The receiver's own answer: the same error, and a request id of its own.
      expect(JSON.parse(large!.body)).toEqual({ ...JSON.parse(small.body), requestId: expect.any(String) });
    }

    const alert = await postBody(webhook, padTo(900_000), auth);
    expect(alert.status).toBe(200);
    expect(JSON.parse(alert.body)).toMatchObject({ status: 'queued' });
    // Past SQS's limit but within API Gateway's: the receiver itself refuses it, so it got the body.
    const tooLarge = await postBody(webhook, TOO_LARGE_CASES[0]!.body, auth);
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body)).toMatchObject({ error: expect.stringMatching(/SQS message/) });
  }, 60_000);
});
