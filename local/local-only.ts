/**
 * Local mode's servers (embedded SQS and S3, Secrets Manager stand-in, webhook) answer only the local
 * tools: the SDK, the CLI, curl, a tunnel client. A web page the user happens to open may send them
 * requests too: a form POST goes cross-site without a preflight, and a DNS-rebinding page reaches
 * 127.0.0.1 under its own name and reads the answers. Browsers mark both (an `Origin` or `Sec-Fetch-*`
 * header, a Host that is not ours); the tools mark neither.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

/**
 * A browser's marks on a page's request: `Origin` (every POST, every cross-origin request) and Fetch
 * metadata (`Sec-Fetch-Site`, sent by browsers only, with `Sec-Fetch-Mode`). Node's own fetch sends
 * `Sec-Fetch-Mode: cors` alone, so that value without `Sec-Fetch-Site` is a tool's.
 */
function browserMark(headers: IncomingHttpHeaders): string | undefined {
  if (headers.origin !== undefined) return 'Origin';
  if (headers['sec-fetch-site'] !== undefined) return 'Sec-Fetch-Site';
  const mode = headers['sec-fetch-mode'];
  return mode === undefined || mode === 'cors' ? undefined : `Sec-Fetch-Mode: ${mode}`;
}

/**
 * Why this request is refused, or undefined to serve it. `host` is the `name:port` the server printed.
 * A rebinding page's requests carry its own name (`evil.example:PORT`): the Host's name must be the
 * printed one, or `localhost` / `*.localhost` (which browsers resolve to loopback themselves, so no
 * page can rebind them; fauxqs's queue URLs name `sqs.<region>.localhost`). The port is not checked:
 * a page cannot forge it, and a TCP forwarder (`ssh -L`, a test's fault proxy) changes it.
 */
export function foreignRequest(headers: IncomingHttpHeaders, host: string): string | undefined {
  const mark = browserMark(headers);
  if (mark !== undefined) return `a browser's ${mark} header: local mode answers only local tools`;
  const name = hostName(headers.host ?? '');
  if (name !== hostName(host) && name !== 'localhost' && !name.endsWith('.localhost')) {
    return `Host ${JSON.stringify(headers.host ?? '')} is not ${host}: local mode answers only requests addressed to it`;
  }
  return undefined;
}

/** The name part of a Host header (`name:port`, `[v6]:port`), lower-cased; empty when there is none. */
function hostName(host: string): string {
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  return name.toLowerCase();
}

/** The refusal, 403 with the reason, closing the connection (the body, if any, stays unread). */
export function refuse(res: ServerResponse, reason: string): void {
  res.writeHead(403, { 'content-type': 'application/json', connection: 'close' });
  res.end(JSON.stringify({ message: `Forbidden: ${reason}` }));
}

/** The `name:port` a client addressing `endpoint` (e.g. `http://127.0.0.1:4566`) puts in its Host header. */
export function hostOf(endpoint: string): string {
  return new URL(endpoint).host;
}
