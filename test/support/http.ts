/** Plain HTTP helpers for tests (loopback only). */
export interface Answer {
  readonly status: number;
  readonly body: string;
}

export async function postBody(url: string, body: Buffer | string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, body: await response.text() };
}
