/**
 * `send-test-alert --queue-url`: a body sent as Panther's Amazon SQS destination sends an alert,
 * one SendMessage carrying the body and nothing else (no attributes, no group id).
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { sqsClientFor } from './sqs-client';

/** Keeps a byte-order mark as a character, so the message is the file's bytes exactly. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Sends the body and prints `MessageId: <id>`; 1 when it cannot be sent, saying why. */
export async function sendAsSqsDestination(queueUrl: string, body: Buffer, endpoint?: string): Promise<number> {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    // An SQS body is text: these bytes cannot be sent unchanged, and Panther never sends such a body.
    console.error('The body is not UTF-8: an SQS message cannot carry it unchanged.');
    return 1;
  }
  const sqs = sqsClientFor(queueUrl, endpoint);
  try {
    const { MessageId } = await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: text }));
    console.log(`MessageId: ${MessageId}`);
    return 0;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).name;
    console.error(`Could not send to ${queueUrl}: ${reason}: ${(error as Error).message}. Is the forwarder running (npm start)?`);
    return 1;
  } finally {
    sqs.destroy();
  }
}
