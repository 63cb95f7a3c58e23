/**
 * The corpus through a webhook (over HTTP, or straight into the handler), then the queue read back: every valid payload
 * answered 200 and queued byte for byte with its routing attributes, everything else refused with
 * its status and a JSON error, and nothing else on the queue.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { INVALID_CASES, pantherExamples, TOO_LARGE_CASES, VALID_CASES } from '../corpus/panther-payloads';
import type { Answer } from './http';
import { attributesOf, drainQueue } from './queue';

export type Post = (body: Buffer) => Promise<Answer>;

export async function expectCorpusDelivered(post: Post, sqs: SQSClient, queueUrl: string): Promise<void> {
  const sent = new Map<string, Buffer>();
  for (const c of [...pantherExamples(), ...VALID_CASES]) {
    const answer = await post(c.body);
    expect({ name: c.name, status: answer.status }).toEqual({ name: c.name, status: 200 });
    sent.set((JSON.parse(answer.body) as { messageId: string }).messageId, c.body);
  }
  for (const c of [...INVALID_CASES, ...TOO_LARGE_CASES]) {
    const answer = await post(c.body);
    expect({ name: c.name, status: answer.status }).toEqual({ name: c.name, status: c.status });
    expect(JSON.parse(answer.body)).toHaveProperty('error');
  }

  // Ask for one more than was acknowledged: an extra message would be a refused payload queued anyway.
  const messages = await drainQueue(sqs, queueUrl, { expected: sent.size + 1, idleReceives: 2 });
  expect(messages).toHaveLength(sent.size);
  for (const message of messages) {
    const body = sent.get(message.MessageId!);
    expect(body).toBeDefined();
    const text = body!.toString('utf8');
    // A raw U+FFFE/U+FFFF is the one (documented) case where the body is escaped, not copied.
    if (/[\uFFFE\uFFFF]/.test(text)) expect(JSON.parse(message.Body!)).toEqual(JSON.parse(text));
    else expect(Buffer.from(message.Body!, 'utf8').equals(body!)).toBe(true);
    const alert = JSON.parse(text) as { severity: string; type: string; alertId?: unknown };
    const attributes = attributesOf(message);
    expect(attributes).toEqual(expect.objectContaining({ severity: alert.severity, type: alert.type }));
    if (typeof alert.alertId === 'string' && alert.alertId !== '') expect(attributes.alertId).toBe(alert.alertId);
    else expect(attributes).not.toHaveProperty('alertId');
  }
}
