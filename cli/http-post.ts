/**
 * One POST with node:http(s), like Panther's Go client: no redirects followed, no blocked-port list
 * (fetch refuses ports such as 6000 or 6667), a hard timeout.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export function httpPost(
  url: string,
  headers: Record<string, string>,
  body: Buffer | string,
  timeoutMs = 30_000,
): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(target, { method: 'POST', headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
