/**
 * An HTTP proxy on 127.0.0.1 in front of a real local server (fauxqs, the embedded Secrets Manager)
 * that misbehaves on demand, one request at a time: the plan's next fault applies to the next
 * request, then `fallback` to every later one. Faults a real server cannot produce when asked.
 */
import { createServer, request as forward, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  /** Forward to the real server. */
  | 'pass'
  /** Accept the request and never answer (a stalled proxy, a half-open socket). */
  | 'hang'
  /** Cut the connection with a TCP reset. */
  | 'reset'
  /** Answer 500 Internal Server Error. */
  | 'error500'
  /** Answer 429 ThrottlingException. */
  | 'throttle'
  /** Answer 200 with a body that is not what the API returns. */
  | 'malformed'
  /** Forward to the real server, late (a slow dependency): `slowMs`, a second by default. */
  | 'slow'
  /** Answer 412 Precondition Failed, as S3 answers a conditional write whose key exists. */
  | 'precondition-failed'
  /** Forward; pass the real answer's headers on, then never its body (the server has acted). */
  | 'stall-after-headers'
  /** Forward; pass the real answer's headers and half its body on, then nothing more. */
  | 'stall-mid-body';

export interface FaultProxy {
  readonly endpoint: string;
  /** Faults for the next requests, in order; afterwards `fallback` applies. */
  plan(faults: readonly Fault[], fallback?: Fault): void;
  /** Picks the fault from each request's body instead (undefined: the plan decides). */
  chooseBy(choose: ((body: string) => Fault | undefined) | undefined): void;
  /** Called with each request's headers, before its fault (to see what the client sent). */
  onRequest(listener: ((headers: IncomingMessage['headers']) => void) | undefined): void;
  /** Requests seen, by the fault they got. */
  readonly seen: Fault[];
  close(): Promise<void>;
}

export async function startFaultProxy(target: string, { slowMs = 1_000 }: { slowMs?: number } = {}): Promise<FaultProxy> {
  const upstream = new URL(target);
  let queue: Fault[] = [];
  let fallback: Fault = 'pass';
  let chooser: ((body: string) => Fault | undefined) | undefined;
  let requestListener: ((headers: IncomingMessage['headers']) => void) | undefined;
  const seen: Fault[] = [];
  const held = new Set<ServerResponse>();

  const json = (res: ServerResponse, status: number, body: object) =>
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));

  /** Forwards the request; `stall` keeps back all (`headers`) or the second half (`body`) of the answer's body. */
  const pass = (req: IncomingMessage, res: ServerResponse, body: Buffer, stall?: 'headers' | 'body') => {
    const out = forward(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (stall === undefined) return void answer.pipe(res);
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const whole = Buffer.concat(chunks);
          held.add(res);
          if (stall === 'headers') res.flushHeaders();
          else res.write(whole.subarray(0, Math.floor(whole.length / 2)));
        });
      },
    );
    out.on('error', () => req.socket.destroy());
    out.end(body);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requestListener?.(req.headers);
      const fault = chooser?.(body.toString('utf8')) ?? queue.shift() ?? fallback;
      seen.push(fault);
      switch (fault) {
        case 'hang':
          held.add(res);
          return;
        case 'reset':
          return void req.socket.resetAndDestroy();
        case 'error500':
          return json(res, 500, { __type: 'InternalFailure', message: 'fault proxy: internal error' });
        case 'throttle':
          return json(res, 429, { __type: 'ThrottlingException', message: 'fault proxy: rate exceeded' });
        case 'precondition-failed':
          return res
            .writeHead(412, { 'content-type': 'application/xml' })
            .end(
              '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>',
            );
        case 'malformed':
          return res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{"SecretString": 42, "garbage');
        case 'slow':
          return void setTimeout(() => pass(req, res, body), slowMs);
        case 'pass':
          return pass(req, res, body);
        case 'stall-after-headers':
          return pass(req, res, body, 'headers');
        case 'stall-mid-body':
          return pass(req, res, body, 'body');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    plan(faults, then = 'pass') {
      queue = [...faults];
      fallback = then;
    },
    chooseBy(choose) {
      chooser = choose;
    },
    onRequest(listener) {
      requestListener = listener;
    },
    seen,
    close: async () => {
      for (const res of held) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
