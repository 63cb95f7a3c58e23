/** The archive as `cdk synth` deploys it: on by default, off with -c archive=false, locked with -c archiveLock=true. */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildForwarderApp } from '../../lib/forwarder-app';

const synth = (context: Record<string, string> = {}) => {
  const app = new App({ context });
  return { app, template: Template.fromStack(buildForwarderApp(app)) };
};
const { app, template } = synth();
const archiveBucket = () => Object.entries(template.findResources('AWS::S3::Bucket')).find(([id]) => /ArchiveBucket/.test(id))!;
const archiveQueueId = Object.keys(template.findResources('AWS::SQS::Queue')).find((id) => /ArchivingQueue/.test(id))!;

describe('npx cdk synth (no context): the archive', () => {
  it('is a bucket with encryption, the four public-access blocks, versioning and a 365-day expiration, kept on delete', () => {
    const [, bucket] = archiveBucket();
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toHaveLength(1);
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(JSON.stringify(bucket.Properties.LifecycleConfiguration)).toContain('"ExpirationInDays":365');
    expect(bucket.Properties.ObjectLockEnabled).toBeUndefined();
  });

  it('refuses anything but TLS', () => {
    const [bucketId] = archiveBucket();
    const [policy] = Object.values(template.findResources('AWS::S3::BucketPolicy')).filter(
      (p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: bucketId }),
    );
    expect(policy!.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('is fed by the receiver for every alert (ARCHIVE_QUEUE_URL) and drained by a Lambda with ReportBatchItemFailures', () => {
    const functions = Object.entries(template.findResources('AWS::Lambda::Function'));
    const receiver = functions.find(([, fn]) => 'SECRET_ID' in (fn.Properties.Environment?.Variables ?? {}))!;
    expect(receiver[1].Properties.Environment.Variables.ARCHIVE_QUEUE_URL).toEqual({ Ref: archiveQueueId });
    const processor = functions.find(([id]) => id.includes('ArchivingProcessor'))!;
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [archiveQueueId, 'Arn'] },
      FunctionName: { Ref: processor[0] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(processor[1].Properties.Environment.Variables.ARCHIVE_BUCKET).toEqual({ Ref: archiveBucket()[0] });
  });

  it('has a Glue table with partition projection over the archive', () => {
    const [table] = Object.values(template.findResources('AWS::Glue::Table'));
    const parameters = table!.Properties.TableInput.Parameters as Record<string, unknown>;
    expect(parameters['projection.enabled']).toBe('true');
    expect(JSON.stringify(parameters['storage.location.template'])).toContain(['dt=$', '{dt}/hour=$', '{hour}/'].join(''));
  });

  it('is watched: its dead-letter queue and its processor', () => {
    const dlqId = Object.keys(template.findResources('AWS::SQS::Queue')).find((id) => /ArchivingDeadLetterQueue/.test(id))!;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
    });
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).some((id) => id.includes('ArchiveProcessorErrors'))).toBe(true);
  });

  it('outputs where it is and how to query it, and passes cdk-nag', () => {
    for (const name of ['ArchiveS3Uri', 'AthenaWorkGroup', 'ArchiveTable', 'ArchiveQueueUrl', 'ArchiveDeadLetterQueueUrl']) {
      expect(template.findOutputs(name)).not.toEqual({});
    }
    expect(() => app.synth()).not.toThrow();
  });
});

describe('archive context', () => {
  it('-c archive=false: no bucket, no archive queue, no Glue table, and the receiver sends nowhere else', () => {
    const { template: off } = synth({ archive: 'false' });
    expect(off.findResources('AWS::S3::Bucket')).toEqual({});
    expect(off.findResources('AWS::Glue::Table')).toEqual({});
    expect(Object.keys(off.findResources('AWS::SQS::Queue')).some((id) => id.includes('Archiving'))).toBe(false);
    expect(JSON.stringify(off.findResources('AWS::Lambda::Function'))).not.toContain('ARCHIVE_QUEUE_URL');
  });

  it('-c archiveLock=true: Object Lock in compliance mode for the retention', () => {
    const { template: locked } = synth({ archiveLock: 'true', archiveDays: '400' });
    const [, bucket] = Object.entries(locked.findResources('AWS::S3::Bucket')).find(([id]) => /ArchiveBucket/.test(id))!;
    expect(bucket.Properties.ObjectLockEnabled).toBe(true);
    expect(bucket.Properties.ObjectLockConfiguration.Rule.DefaultRetention).toEqual({ Mode: 'COMPLIANCE', Days: 400 });
  });

  it.each([
    [{ archive: 'false', archiveLock: 'true' }, /archiveLock applies to the archive, which archive: false leaves out/],
    [{ archiveDays: 'ten' }, /context archiveDays must be a number/],
  ])('%j fails synth, naming it', (context, message) => {
    expect(() => synth(context)).toThrow(message);
  });
});
