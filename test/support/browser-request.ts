/**
 * Requests as a web page makes them (fetch cannot forge Host or Origin): a cross-site form POST with
 * the headers a browser adds, or a DNS-rebinding page's request under its own host name.
 */
import { request } from 'node:http';
import type { Answer } from './http';

/** What a browser adds to a page's cross-site form POST (Chrome's and Firefox's Fetch metadata). */
export const CROSS_SITE_FORM = {
  origin: 'https://evil.example',
  'content-type': 'application/x-www-form-urlencoded',
  'sec-fetch-site': 'cross-site',
  'sec-fetch-mode': 'navigate',
} as const;

/** One HTTP/1.1 request to a loopback URL with exactly these headers (`host` among them if given). */
export function rawRequest(url: string, method: string, headers: Record<string, string>, body = ''): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { 'content-length': String(Buffer.byteLength(body)), ...headers }, timeout: 10_000 });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** The rebinding page's Host: its own name, on the port it rebinds to. */
export function rebindingHost(url: string): string {
  return `evil.example:${new URL(url).port}`;
}
