import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { handler } from '../../functions/example-consumer';
import { baseAlert } from '../../scripts/sample-alerts';

const record = (messageId: string, body: string): SQSRecord =>
  ({
    messageId,
    body,
    receiptHandle: 'r',
    attributes: {},
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn',
    awsRegion: 'eu-west-1',
  }) as unknown as SQSRecord;

describe('example consumer', () => {
  it('reports only the records it could not handle', async () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const event: SQSEvent = {
        Records: [
          record('ok-1', JSON.stringify(baseAlert())),
          record('bad-json', '{'),
          record('ok-2', JSON.stringify(baseAlert({ severity: 'LOW' }))),
          record('not-an-alert', JSON.stringify({ hello: 'world' })),
        ],
      };
      expect(await handler(event)).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad-json' }, { itemIdentifier: 'not-an-alert' }] });
      const lines = write.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
      expect(lines.filter((l) => l.message === 'alert').map((l) => l.severity)).toEqual(['HIGH', 'LOW']);
    } finally {
      write.mockRestore();
    }
  });
});
