/**
 * Stateful resources keep their logical ids through every refactor: a renamed queue is a new, empty
 * one (its alerts left behind in the old), a renamed secret is a new value that locks Panther out.
 * The ids are written out literally here, as deployed stacks have them.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PantherAlertForwarderStack } from '../../lib/panther-alert-forwarder-stack';

const stack = new PantherAlertForwarderStack(new App(), 'PantherAlertForwarder', {
  forwarder: { routes: [{ name: 'paging', severities: ['HIGH'] }], pantherAccountIds: ['123456789012'] },
});
const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>;
const idsOf = (type: string) =>
  Object.entries(resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id]) => id)
    .sort();

describe('stateful logical ids', () => {
  it('keeps every queue', () => {
    expect(idsOf('AWS::SQS::Queue')).toEqual([
      'ForwarderInboxDeadLetterQueueEEF75E0F',
      'ForwarderInboxQueueBE9BC133',
      'ForwarderQueuesAlertQueue4ED83737',
      'ForwarderQueuesDeadLetterQueue850D7D98',
      'ForwarderQueuesQuarantineQueue54ECC3D9',
      'ForwarderQueuesRoutePagingDeadLetterQueueC7FF1D66',
      'ForwarderQueuesRoutePagingQueue7E50F99F',
    ]);
  });

  it('keeps the webhook secret', () => {
    expect(idsOf('AWS::SecretsManager::Secret')).toEqual(['ForwarderWebhookWebhookSecret53335841']);
  });

  it('keeps the archive and its buckets (a new bucket is an empty archive)', () => {
    expect(idsOf('AWS::S3::Bucket')).toEqual([
      'ForwarderArchiveAccessLogsBucket880BC54C',
      'ForwarderArchiveBucketB78B3A3E',
      'ForwarderArchiveResultsBucketF3962F92',
    ]);
  });

  it('keeps the archive’s Glue database and table and its Athena workgroup (analysts’ saved names, its query history)', () => {
    expect(idsOf('AWS::Glue::Database')).toEqual(['ForwarderArchiveDatabaseDC0E5B7B']);
    expect(idsOf('AWS::Glue::Table')).toEqual(['ForwarderArchiveTableD3F03647']);
    expect(idsOf('AWS::Athena::WorkGroup')).toEqual(['ForwarderArchiveWorkGroup8E6D8D6F']);
  });

  it('keeps the log groups that hold the functions and access logs', () => {
    expect(idsOf('AWS::Logs::LogGroup')).toEqual(
      expect.arrayContaining([
        'ForwarderWebhookApiAccessLogs1725555C',
        'ForwarderWebhookReceiverLogsD1B5EDCA',
        'ForwarderInboxProcessorLogs0F99CA6C',
      ]),
    );
  });
});
