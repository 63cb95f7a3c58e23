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
 * Why this request is refused, or undefined to serve it. `host` is the `name:port` the server printed
 * (its endpoint's host); no other Host is ours, so a rebinding page's `evil.example:PORT` is refused.
 */
export function foreignRequest(headers: IncomingHttpHeaders, host: string): string | undefined {
  const mark = browserMark(headers);
  if (mark !== undefined) return `a browser's ${mark} header: local mode answers only local tools`;
  if (headers.host?.toLowerCase() !== host.toLowerCase()) {
    return `Host ${JSON.stringify(headers.host ?? '')} is not ${host}: local mode answers only requests addressed to it`;
  }
  return undefined;
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
