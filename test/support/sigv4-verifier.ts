/**
 * An independent check of an AWS Signature Version 4 `Authorization` header, written from AWS's
 * specification with node:crypto only (no SDK code), so that a request signed by our code can be
 * judged by something other than the signer that made it.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
import { createHash, createHmac } from 'node:crypto';

export interface CapturedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  /** Lower-case names, as node:http gives them. */
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

export interface SignatureCheck {
  readonly valid: boolean;
  readonly accessKeyId: string;
  /** date/region/service/aws4_request */
  readonly scope: string;
  readonly signedHeaders: readonly string[];
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
// RFC 3986 unreserved characters stay; everything else is percent-encoded.
const encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function verifySigV4(request: CapturedRequest, secretAccessKey: string): SignatureCheck {
  const auth = String(request.headers.authorization ?? '');
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!match) return { valid: false, accessKeyId: '', scope: '', signedHeaders: [] };
  const [, accessKeyId, scope, signedHeaderList, signature] = match as unknown as [string, string, string, string, string];
  const [date, region, service] = scope.split('/') as [string, string, string];
  const signedHeaders = signedHeaderList.split(';');
  const [path, query = ''] = request.url.split('?') as [string, string?];
  const canonicalQuery = query
    .split('&')
    .filter(Boolean)
    .map((pair) =>
      pair
        .split('=')
        .map((part) => encode(decodeURIComponent(part)))
        .join('='),
    )
    .sort()
    .join('&');
  const canonicalHeaders = signedHeaders
    .map((name) => {
      const value = request.headers[name];
      const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
      return `${name}:${joined.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  const canonicalRequest = [
    request.method,
    path
      .split('/')
      .map((segment) => encode(decodeURIComponent(segment)))
      .join('/'),
    canonicalQuery,
    canonicalHeaders,
    signedHeaderList,
    sha256(request.body),
  ].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', String(request.headers['x-amz-date']), scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  return { valid: expected === signature, accessKeyId, scope, signedHeaders };
}
