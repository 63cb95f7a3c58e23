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
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
/** Every statement of every identity policy of the template, with the policy's logical id. */
const identityStatements = (t: Template) =>
  Object.entries(t.findResources('AWS::IAM::Policy')).flatMap(([id, policy]) =>
    (policy.Properties.PolicyDocument.Statement as Statement[]).map((statement) => ({ id, statement })),
  );
const functionsOf = (t: Template) => Object.entries(t.findResources('AWS::Lambda::Function'));

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

  it('is written by the receiver itself, in one write: ARCHIVE_BUCKET and ARCHIVE_PREFIX, no archive queue, no processor', () => {
    const receiver = functionsOf(template).find(([, fn]) => 'SECRET_ID' in (fn.Properties.Environment?.Variables ?? {}))!;
    expect(receiver[1].Properties.Environment.Variables).toMatchObject({
      ARCHIVE_BUCKET: { Ref: archiveBucket()[0] },
      ARCHIVE_PREFIX: 'alerts/',
    });
    expect(functionsOf(template)).toHaveLength(1);
    expect(Object.keys(template.findResources('AWS::SQS::Queue')).filter((id) => /Archiv/.test(id))).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/ARCHIVE_QUEUE_URL|ArchivingQueue|ArchiveProcessor/);
  });

  it('lets the receiver do exactly s3:PutObject on <bucket>/alerts/* to the archive: no read, no delete, no other prefix', () => {
    const bucketArn = { 'Fn::GetAtt': [archiveBucket()[0], 'Arn'] };
    const onArchive = identityStatements(template).filter(({ statement }) =>
      JSON.stringify(statement.Resource).includes(JSON.stringify(bucketArn)),
    );
    expect(onArchive.map(({ statement }) => statement)).toEqual([
      { Effect: 'Allow', Action: 's3:PutObject', Resource: { 'Fn::Join': ['', [bucketArn, '/alerts/*']] } },
    ]);
  });

  it('lets no role of the stack delete an archived object or version', () => {
    const deletes = identityStatements(template)
      .map(({ statement }) => statement)
      .filter((statement) => statement.Effect === 'Allow')
      .flatMap((statement) => [statement.Action].flat())
      .filter((action) => /^(\*|s3:\*|s3:Delete.*)$/.test(action));
    expect(deletes).toEqual([]);
  });

  it('has a Glue table with partition projection over the archive', () => {
    const [table] = Object.values(template.findResources('AWS::Glue::Table'));
    const parameters = table!.Properties.TableInput.Parameters as Record<string, unknown>;
    expect(parameters['projection.enabled']).toBe('true');
    expect(JSON.stringify(parameters['storage.location.template'])).toContain(['dt=$', '{dt}/hour=$', '{hour}/'].join(''));
  });

  it('has no archive queue to watch: no alarm names one', () => {
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter((id) => /Archiv/.test(id))).toEqual([]);
  });

  it('outputs where it is and how to query it, no queue of its own, and passes cdk-nag', () => {
    for (const name of ['ArchiveS3Uri', 'AthenaWorkGroup', 'ArchiveTable', 'ArchiveReplayCommand']) {
      expect(template.findOutputs(name)).not.toEqual({});
    }
    for (const name of ['ArchiveQueueUrl', 'ArchiveDeadLetterQueueUrl']) expect(template.findOutputs(name)).toEqual({});
    expect(() => app.synth()).not.toThrow();
  });
});

describe('archive context', () => {
  it('-c archive=false: no bucket, no archive queue, no Glue table, and the receiver sends nowhere else', () => {
    const { template: off } = synth({ archive: 'false' });
    expect(off.findResources('AWS::S3::Bucket')).toEqual({});
    expect(off.findResources('AWS::Glue::Table')).toEqual({});
    expect(Object.keys(off.findResources('AWS::SQS::Queue')).some((id) => id.includes('Archiving'))).toBe(false);
    expect(JSON.stringify(off.findResources('AWS::Lambda::Function'))).not.toMatch(/ARCHIVE_(BUCKET|PREFIX)/);
    expect(JSON.stringify(off.findResources('AWS::IAM::Policy'))).not.toContain('s3:');
  });

  it('-c archiveLock=true: Object Lock in compliance mode for the retention', () => {
    const { template: locked } = synth({ archiveLock: 'true', archiveDays: '400' });
    const [, bucket] = Object.entries(locked.findResources('AWS::S3::Bucket')).find(([id]) => /ArchiveBucket/.test(id))!;
    expect(bucket.Properties.ObjectLockEnabled).toBe(true);
    expect(bucket.Properties.ObjectLockConfiguration.Rule.DefaultRetention).toEqual({ Mode: 'COMPLIANCE', Days: 400 });
  });

  it.each([
    [{ archive: 'false', archiveLock: 'true' }, /archiveLock applies to the archive, which archive=false leaves out/],
    [{ archiveDays: 'ten' }, /cdk context: archiveDays must be a number/],
    [{ archiveDays: '20' }, /cdk context: archiveDays must be a whole number from 31/],
    [{ archiveScanCutoffBytes: '1000' }, /cdk context: archiveScanCutoffBytes must be a whole number of bytes, at least 10000000/],
  ])('%j fails synth, naming it', (context, message) => {
    expect(() => synth(context)).toThrow(message);
  });
});

it('-c archiveScanCutoffBytes: the workgroup cuts a query off there', () => {
  synth({ archiveScanCutoffBytes: '20000000' }).template.hasResourceProperties('AWS::Athena::WorkGroup', {
    WorkGroupConfiguration: { BytesScannedCutoffPerQuery: 20_000_000 },
  });
});

describe('the inbox writes the archive as the receiver does', () => {
  it('gets ARCHIVE_BUCKET, ARCHIVE_PREFIX and exactly PutObject under the prefix', () => {
    const { template: inboxOnly } = synth({ webhook: 'false', pantherAccountId: '123456789012' });
    const [[, inbox]] = functionsOf(inboxOnly) as [[string, { Properties: { Environment: { Variables: Record<string, unknown> } } }]];
    expect(Object.keys(inbox.Properties.Environment.Variables)).toEqual(expect.arrayContaining(['ARCHIVE_BUCKET', 'ARCHIVE_PREFIX']));
    const s3Actions = identityStatements(inboxOnly)
      .flatMap(({ statement }) => [statement.Action].flat())
      .filter((a) => a.startsWith('s3:'));
    expect(s3Actions).toEqual(['s3:PutObject']);
  });
});
