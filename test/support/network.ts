/** Loopback-only network fixtures for fault tests. */
import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A free port on 127.0.0.1 below Linux's ephemeral range (32768+), for a server that a test stops and
 * starts again on the same port: an ephemeral port could meanwhile become some connection's source
 * port, and re-binding it would fail.
 */
export async function freeStablePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const server = createServer();
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (bound) {
      await new Promise((resolve) => server.close(resolve));
      return port;
    }
  }
  throw new Error('no free port between 20000 and 32000');
}

/** A port on 127.0.0.1 that nothing listens on (connections are refused). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A server on 127.0.0.1 that accepts connections and never answers: an SQS that hangs. It reads
 * (and ignores) what arrives, so it sees the moment a client gives a connection up.
 */
export async function blackHole(): Promise<{ endpoint: string; readonly closedAt: readonly number[]; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  /** When each connection was closed by the client (performance.now()). */
  const closedAt: number[] = [];
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      if (sockets.delete(socket)) closedAt.push(performance.now());
    });
    socket.on('error', () => undefined);
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    closedAt,
    close: async () => {
      const open = [...sockets];
      sockets.clear();
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * A TCP proxy on 127.0.0.1 in front of a local server, that a test can take down (listener closed,
 * open connections cut) and bring back on the same port: an SQS outage without losing SQS's state.
 */
export async function faultProxy(targetPort: number): Promise<{
  endpoint: string;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const newServer = () =>
    createServer((client) => {
      track(client);
      const upstream = connect(targetPort, '127.0.0.1');
      track(upstream);
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  let server = newServer();
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
  const port = await freeStablePort();
  await listen(port);
  let listening = true;
  const down = async () => {
    if (!listening) return;
    listening = false;
    const closed = new Promise((resolve) => server.close(resolve));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    down,
    up: async () => {
      if (listening) return;
      server = newServer();
      await listen(port);
      listening = true;
    },
    close: down,
  };
}
