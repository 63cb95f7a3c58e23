import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import schema from '../../functions/core/panther-alert.schema.json';
import { ALERT_COLUMNS, AlertArchive, type AlertArchiveProps } from '../../lib/alert-archive';

type Configure = (archive: AlertArchive, stack: Stack) => void;

/** The archive in a stack of its own (with a KMS key of that stack when `key`); `configure` adds grants. */
function create(props: AlertArchiveProps, configure: Configure = () => {}, key = false) {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  const encryptionKey = key ? new kms.Key(stack, 'Key', { enableKeyRotation: true }) : props.encryptionKey;
  const archive = new AlertArchive(stack, 'Archive', { ...props, encryptionKey });
  configure(archive, stack);
  return { app, stack, archive };
}
type Built = ReturnType<typeof create> & { readonly template: Template };
const synth = (created: ReturnType<typeof create>): Built => ({ ...created, template: Template.fromStack(created.stack) });
const build = (props: AlertArchiveProps = {}, configure?: Configure) => synth(create(props, configure));
const keyed = (props: AlertArchiveProps = {}, configure?: Configure) => synth(create(props, configure, true));

const logicalId = (built: Built, bucket: s3.Bucket) => built.stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
const bucketProps = (built: Built, bucket: s3.Bucket) => built.template.toJSON().Resources[logicalId(built, bucket)];
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown; Principal?: unknown };
const policyOf = (built: Built, role: iam.Role): Statement[] => {
  const policy = role.node.tryFindChild('DefaultPolicy') as iam.Policy;
  const id = built.stack.getLogicalId(policy.node.defaultChild as iam.CfnPolicy);
  return built.template.toJSON().Resources[id].Properties.PolicyDocument.Statement;
};
const actionsOf = (statements: readonly Statement[]) => statements.flatMap((s) => [s.Action].flat()).sort();
const objectsUnder = (built: Built, bucket: s3.Bucket, prefix: string) => ({
  'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(built, bucket), 'Arn'] }, `/${prefix}*`]],
});
/** The location template's path below the bucket: Athena fills in `${dt}` and `${hour}`. */
const partitionTemplate = (prefix: string) => `/${prefix}dt=\${dt}/hour=\${hour}/`;
const viaS3 = { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.eu-west-1.', { Ref: 'AWS::URLSuffix' }]] } } };

const plain = build();

describe('AlertArchive: the vault', () => {
  it('encrypts with S3-managed keys by default, and with the given key (Bucket Keys on) when there is one', () => {
    expect(bucketProps(plain, plain.archive.bucket).Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    const built = keyed();
    expect(bucketProps(built, built.archive.bucket).Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        {
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: {
            SSEAlgorithm: 'aws:kms',
            KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] },
          },
        },
      ],
    });
    expect(bucketProps(built, built.archive.resultsBucket).Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]).toMatchObject({
      ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' },
    });
  });

  it('blocks all four kinds of public access on every bucket, and ACLs', () => {
    plain.template.resourceCountIs('AWS::S3::Bucket', 3);
    for (const bucket of Object.values(plain.template.findResources('AWS::S3::Bucket'))) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    }
  });

  it('refuses anything but TLS 1.2+ on every bucket', () => {
    for (const bucket of [plain.archive.bucket, plain.archive.resultsBucket, plain.archive.accessLogsBucket]) {
      plain.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logicalId(plain, bucket) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
          ]),
        },
      });
    }
  });

  it('is versioned', () => {
    expect(bucketProps(plain, plain.archive.bucket).Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  it('moves alerts of 128 KB or more to Standard-IA after 30 days and expires everything after 365 by default', () => {
    expect(bucketProps(plain, plain.archive.bucket).Properties.LifecycleConfiguration).toEqual({
      TransitionDefaultMinimumObjectSize: 'all_storage_classes_128K',
      Rules: [
        {
          Status: 'Enabled',
          Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
          ExpirationInDays: 365,
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        },
      ],
    });
  });

  it('keeps alerts, and the access logs, for archiveDays', () => {
    const built = build({ archiveDays: 90 });
    expect(built.archive.archiveDays).toBe(90);
    expect(bucketProps(built, built.archive.bucket).Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(90);
    expect(bucketProps(built, built.archive.accessLogsBucket).Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(90);
  });

  it('has no Object Lock unless asked', () => {
    const { Properties } = bucketProps(plain, plain.archive.bucket);
    expect(Properties.ObjectLockEnabled).toBeUndefined();
    expect(Properties.ObjectLockConfiguration).toBeUndefined();
  });

  it('locks every alert in COMPLIANCE mode for archiveDays when asked', () => {
    const built = build({ objectLock: true, archiveDays: 400 });
    const { Properties } = bucketProps(built, built.archive.bucket);
    expect(Properties.ObjectLockEnabled).toBe(true);
    expect(Properties.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 400 } },
    });
    // Versioning (which Object Lock requires) and the expiry after the retention stay.
    expect(Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(400);
  });

  it('retains every bucket when the stack goes, and empties none', () => {
    for (const bucket of Object.values(plain.template.findResources('AWS::S3::Bucket'))) {
      expect(bucket).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
    plain.template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  it('logs access to the archive and the results in its own access-log bucket, delivered under a bucket policy', () => {
    const logs = logicalId(plain, plain.archive.accessLogsBucket);
    expect(bucketProps(plain, plain.archive.bucket).Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logs },
      LogFilePrefix: 'archive/',
    });
    expect(bucketProps(plain, plain.archive.resultsBucket).Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logs },
      LogFilePrefix: 'results/',
    });
    expect(bucketProps(plain, plain.archive.accessLogsBucket).Properties.AccessControl).toBeUndefined();
    plain.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logs },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' })]),
      },
    });
  });
});

describe('AlertArchive: SQL over the archive', () => {
  const table = () => Object.values(plain.template.findResources('AWS::Glue::Table'))[0]!.Properties;

  it('creates the database and the table it exposes by name', () => {
    expect(plain.archive.database).toMatch(/^test_archive_[0-9a-f]{8}$/);
    expect(plain.archive.table).toBe('alerts');
    plain.template.hasResourceProperties('AWS::Glue::Database', {
      CatalogId: '111111111111',
      DatabaseInput: { Name: plain.archive.database },
    });
    expect(table().TableInput.Name).toBe('alerts');
    expect(build({ databaseName: 'panther_alerts' }).archive.database).toBe('panther_alerts');
  });

  it('projects dt (days, back to archiveDays plus late writes) and hour (00-23) instead of registering partitions', () => {
    const { PartitionKeys, Parameters } = table().TableInput;
    expect(PartitionKeys.map((key: { Name: string; Type: string }) => [key.Name, key.Type])).toEqual([
      ['dt', 'string'],
      ['hour', 'int'],
    ]);
    expect(Parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': 'NOW-382DAYS,NOW+1DAYS',
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
      'projection.hour.type': 'integer',
      'projection.hour.range': '0,23',
      'projection.hour.digits': '2',
    });
    const custom = Object.values(build({ archiveDays: 60 }).template.findResources('AWS::Glue::Table'))[0]!;
    expect(custom.Properties.TableInput.Parameters['projection.dt.range']).toBe('NOW-77DAYS,NOW+1DAYS');
  });

  it('finds an object where the doors write it: <prefix>dt=YYYY-MM-DD/hour=HH/<hash>.json', () => {
    const bucket = logicalId(plain, plain.archive.bucket);
    const { Parameters, StorageDescriptor } = table().TableInput;
    expect(Parameters['storage.location.template']).toEqual({
      'Fn::Join': ['', ['s3://', { Ref: bucket }, partitionTemplate('alerts/')]],
    });
    expect(StorageDescriptor.Location).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: bucket }, '/alerts/']] });
    const key = `alerts/dt=2024-05-01/hour=07/${'a'.repeat(64)}.json`;
    const template = (Parameters['storage.location.template']['Fn::Join'][1][2] as string).slice(1);
    expect(key.startsWith(template.replace(`\${dt}`, '2024-05-01').replace(`\${hour}`, '07'))).toBe(true);
    const custom = build({ prefix: 'panther/v1/' });
    const customTable = Object.values(custom.template.findResources('AWS::Glue::Table'))[0]!;
    expect(JSON.stringify(customTable.Properties.TableInput.Parameters['storage.location.template'])).toContain(
      partitionTemplate('panther/v1/'),
    );
  });

  it('reads each line as an alert with the OpenX JSON SerDe, a malformed object as a row of nulls', () => {
    expect(table().TableInput.StorageDescriptor).toMatchObject({
      InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      SerdeInfo: {
        SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
        Parameters: { 'ignore.malformed.json': 'true', 'case.insensitive': 'true' },
      },
    });
  });

  it('has a column for every field of the alert schema: strings, tags an array, alertContext as JSON text', () => {
    const columns = table().TableInput.StorageDescriptor.Columns as { Name: string; Type: string }[];
    const byName = Object.fromEntries(columns.map((column) => [column.Name, column.Type]));
    for (const field of Object.keys(schema.properties)) expect(byName).toHaveProperty([field.toLowerCase()]);
    for (const field of ['id', 'createdat', 'severity', 'type', 'alertid', 'title', 'name', 'description', 'runbook', 'link', 'version']) {
      expect(byName[field]).toBe('string');
    }
    expect(byName.tags).toBe('array<string>');
    expect(byName.alertcontext).toBe('string');
    expect(ALERT_COLUMNS.find((column) => column.name === 'alertcontext')?.comment).toMatch(/^JSON text/);
    expect(columns.every((column) => column.Name === column.Name.toLowerCase())).toBe(true);
  });

  it('has a workgroup of its own that enforces its encrypted results location', () => {
    plain.template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: plain.archive.workGroup,
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: logicalId(plain, plain.archive.resultsBucket) }, '/results/']] },
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
          ExpectedBucketOwner: '111111111111',
        },
      },
    });
    keyed().template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: {
        ResultConfiguration: {
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
        },
      },
    });
  });

  it('cuts off a query at 10 GiB scanned by default, at the given bytes when set', () => {
    plain.template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: { BytesScannedCutoffPerQuery: 10 * 1024 ** 3 },
    });
    build({ bytesScannedCutoffPerQuery: 50_000_000 }).template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: { BytesScannedCutoffPerQuery: 50_000_000 },
    });
  });

  it('expires query results after 30 days', () => {
    expect(bucketProps(plain, plain.archive.resultsBucket).Properties.LifecycleConfiguration.Rules).toEqual([
      { Status: 'Enabled', ExpirationInDays: 30, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
    ]);
  });

  it('saves three queries in the workgroup, each over the table and filtered on dt', () => {
    const workGroupId = Object.keys(plain.template.findResources('AWS::Athena::WorkGroup'))[0];
    const queries = Object.values(plain.template.findResources('AWS::Athena::NamedQuery')).map((q) => q.Properties);
    expect(queries.map((q) => q.Name).sort()).toEqual([
      'Alerts per detection per day, last 30 days',
      'HIGH alerts, last 7 days',
      'One alert by alertId',
    ]);
    for (const query of queries) {
      expect(query.Database).toBe(plain.archive.database);
      expect(query.WorkGroup).toEqual({ Ref: workGroupId });
      expect(query.QueryString).toContain(`FROM "${plain.archive.database}"."alerts"`);
      expect(query.QueryString).toMatch(/WHERE dt (>=|BETWEEN)/);
    }
    const byName = Object.fromEntries(queries.map((q) => [q.Name, q.QueryString as string]));
    expect(byName['HIGH alerts, last 7 days']).toContain("severity = 'HIGH'");
    expect(byName['Alerts per detection per day, last 30 days']).toContain('GROUP BY dt, id');
    expect(byName['One alert by alertId']).toContain('alertid = ?');
  });

  it('creates the saved queries after the table they name', () => {
    const tableId = Object.keys(plain.template.findResources('AWS::Glue::Table'))[0];
    for (const query of Object.values(plain.template.findResources('AWS::Athena::NamedQuery'))) {
      expect(query.DependsOn).toContain(tableId);
    }
  });
});

describe('AlertArchive grants', () => {
  const role = (stack: Stack, id: string) => new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

  it('grantWrite: PutObject under the prefix only (and a data key through S3)', () => {
    let writer!: iam.Role;
    const built = keyed({}, (archive, stack) => {
      writer = role(stack, 'Writer');
      archive.grantWrite(writer);
    });
    const statements = policyOf(built, writer);
    expect(actionsOf(statements)).toEqual(['kms:GenerateDataKey', 's3:PutObject']);
    expect(statements.find((s) => s.Action === 's3:PutObject')?.Resource).toEqual(objectsUnder(built, built.archive.bucket, 'alerts/'));
    expect(statements.find((s) => s.Action === 'kms:GenerateDataKey')?.Condition).toEqual(viaS3);
  });

  it('grantWrite without a key grants no KMS action', () => {
    let writer!: iam.Role;
    const built = build({ prefix: 'panther/' }, (archive, stack) => {
      writer = role(stack, 'Writer');
      archive.grantWrite(writer);
    });
    const statements = policyOf(built, writer);
    expect(statements).toEqual([
      expect.objectContaining({ Action: 's3:PutObject', Resource: objectsUnder(built, built.archive.bucket, 'panther/') }),
    ]);
  });

  it('grantRead: GetObject and listing of the alerts (not <prefix>invalid/), Decrypt through S3', () => {
    let reader!: iam.Role;
    const built = keyed({}, (archive, stack) => {
      reader = role(stack, 'Reader');
      archive.grantRead(reader);
    });
    const statements = policyOf(built, reader);
    expect(actionsOf(statements)).toEqual(['kms:Decrypt', 's3:GetObject', 's3:ListBucket']);
    expect(statements.find((s) => s.Action === 's3:GetObject')?.Resource).toEqual(objectsUnder(built, built.archive.bucket, 'alerts/dt='));
    expect(statements.find((s) => s.Action === 's3:ListBucket')?.Condition).toEqual({ StringLike: { 's3:prefix': ['alerts/dt=*'] } });
    expect(statements.find((s) => s.Action === 'kms:Decrypt')?.Condition).toEqual(viaS3);
  });

  it('grantRead with includeInvalid: the whole prefix, invalid bodies included', () => {
    let reader!: iam.Role;
    const built = build({}, (archive, stack) => {
      reader = role(stack, 'Reader');
      archive.grantRead(reader, { includeInvalid: true });
    });
    const statements = policyOf(built, reader);
    expect(statements.find((s) => s.Action === 's3:GetObject')?.Resource).toEqual(objectsUnder(built, built.archive.bucket, 'alerts/'));
    expect(statements.find((s) => s.Action === 's3:ListBucket')?.Condition).toEqual({ StringLike: { 's3:prefix': ['alerts/*'] } });
  });

  it('grantQuery: the workgroup, the table’s metadata, the alerts, and the results', () => {
    let analyst!: iam.Role;
    const built = keyed({}, (archive, stack) => {
      analyst = role(stack, 'Analyst');
      archive.grantQuery(analyst);
    });
    const statements = policyOf(built, analyst);
    const athena = statements.find((s) => [s.Action].flat().includes('athena:StartQueryExecution'))!;
    expect(athena.Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:athena:eu-west-1:111111111111:workgroup/${built.archive.workGroup}`]],
    });
    expect(actionsOf([athena])).toEqual(
      expect.arrayContaining(['athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution']),
    );
    const glue = statements.find((s) => [s.Action].flat().includes('glue:GetTable'))!;
    expect(JSON.stringify(glue.Resource)).toContain(`:table/${built.archive.database}/alerts`);
    expect(JSON.stringify(glue.Resource)).toContain(`:database/${built.archive.database}`);
    expect(actionsOf(statements)).toEqual(
      expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:GetBucketLocation', 'kms:GenerateDataKey']),
    );
    const results = statements.find((s) => [s.Action].flat().includes('s3:PutObject'))!;
    expect(results.Resource).toEqual(objectsUnder(built, built.archive.resultsBucket, ''));
    expect(actionsOf(statements).filter((action) => action.includes('*'))).toEqual([]);
  });

  it('grantReadToPrincipals: bucket policy for the principals, key policy through S3 for a key of this app', () => {
    const other = new iam.AccountPrincipal('222222222222');
    const built = keyed({}, (archive) => archive.grantReadToPrincipals([other]));
    const principal = { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:root']] } };
    built.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(built, built.archive.bucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: principal,
            Action: 's3:GetObject',
            Resource: objectsUnder(built, built.archive.bucket, 'alerts/dt='),
          }),
          Match.objectLike({ Principal: principal, Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['alerts/dt=*'] } } }),
        ]),
      },
    });
    built.template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: principal, Action: 'kms:Decrypt', Condition: viaS3 })]) },
    });
  });

  it('grantReadToPrincipals leaves the policy of a key imported by ARN to its owner', () => {
    const built = build({}, (_archive, stack) => {
      const imported = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-west-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
      new AlertArchive(stack, 'Keyed', { encryptionKey: imported }).grantReadToPrincipals([new iam.AccountPrincipal('222222222222')]);
    });
    built.template.resourceCountIs('AWS::KMS::Key', 0);
    expect(JSON.stringify(built.template.findResources('AWS::S3::BucketPolicy'))).toContain(':iam::222222222222:root');
  });

  it('grantReadToPrincipals with nobody adds nothing', () => {
    const built = build({}, (archive) => archive.grantReadToPrincipals([]));
    const policy = Object.values(built.template.findResources('AWS::S3::BucketPolicy')).find(
      (p) => p.Properties.Bucket.Ref === logicalId(built, built.archive.bucket),
    )!;
    expect(policy.Properties.PolicyDocument.Statement.every((s: Statement) => s.Effect === 'Deny')).toBe(true);
  });

  it('grantReadToPrincipals with includeInvalid: the whole prefix', () => {
    const built = build({}, (archive) =>
      archive.grantReadToPrincipals([new iam.AccountPrincipal('222222222222')], { includeInvalid: true }),
    );
    built.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 's3:GetObject', Resource: objectsUnder(built, built.archive.bucket, 'alerts/') }),
        ]),
      },
    });
  });
});

describe('AlertArchive: write-once, enforced by S3', () => {
  /** The archive bucket's policy statements. */
  const statementsOf = (built: Built): Statement[] =>
    Object.values(built.template.findResources('AWS::S3::BucketPolicy')).find(
      (p) => p.Properties.Bucket.Ref === logicalId(built, built.archive.bucket),
    )!.Properties.PolicyDocument.Statement;
  /**
   * IAM's evaluation of one statement for a request on an object key of the archive bucket (as far as
   * these statements need it: actions, `arn/<pattern>*` object resources, Null conditions).
   */
  const applies = (built: Built, statement: Statement, action: string, key: string, requestKeys: readonly string[]) => {
    const actions = [statement.Action].flat();
    if (!actions.some((a) => new RegExp(`^${a.replace(/\*/g, '.*')}$`).test(action))) return false;
    const resources = [statement.Resource].flat() as { 'Fn::Join': [string, [unknown, string]] }[];
    const onKey = resources.some((resource) => {
      const [arn, path] = resource['Fn::Join']?.[1] ?? [];
      if (JSON.stringify(arn) !== JSON.stringify({ 'Fn::GetAtt': [logicalId(built, built.archive.bucket), 'Arn'] })) return false;
      return new RegExp(`^${path!.slice(1).replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`).test(key);
    });
    if (!onKey) return false;
    // The request comes over TLS 1.3, with the condition keys `requestKeys` present.
    const request: Record<string, string> = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3' };
    const operators: Record<string, (key: string, value: string) => boolean> = {
      Null: (key, value) => requestKeys.includes(key) !== (value === 'true'),
      Bool: (key, value) => request[key] === value,
      NumericLessThan: (key, value) => Number(request[key]) < Number(value),
    };
    return Object.entries((statement.Condition ?? {}) as Record<string, Record<string, string>>).every(([operator, tests]) =>
      Object.entries(tests).every(([conditionKey, value]) => operators[operator]!(conditionKey, value)),
    );
  };
  const deniedPut = (built: Built, key: string, requestKeys: readonly string[]) =>
    statementsOf(built).some((s) => s.Effect === 'Deny' && applies(built, s, 's3:PutObject', key, requestKeys));
  const key = 'alerts/dt=2025-01-02/hour=03/' + 'a'.repeat(64) + '.json';

  it('denies, to every principal, a PutObject under the prefix without If-None-Match', () => {
    expect(statementsOf(plain)).toContainEqual({
      Sid: 'ArchiveIsWriteOnce',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: objectsUnder(plain, plain.archive.bucket, 'alerts/'),
      Condition: { Null: { 's3:if-none-match': 'true' } },
    });
    expect(deniedPut(plain, key, [])).toBe(true);
    expect(deniedPut(plain, 'alerts/invalid/dt=2025-01-02/hour=03/x.txt', [])).toBe(true);
  });

  it('lets a conditional PutObject (If-None-Match) through: S3 then refuses only an existing key', () => {
    expect(deniedPut(plain, key, ['s3:if-none-match'])).toBe(false);
  });

  it('covers the configured prefix', () => {
    const built = build({ prefix: 'panther/' });
    expect(deniedPut(built, 'panther/dt=2025-01-02/x.json', [])).toBe(true);
  });
});

describe('AlertArchive prop checks', () => {
  it.each([
    [{ archiveDays: 30 }, /AlertArchive: archiveDays must be a whole number from 31 .* to 7300, got 30/],
    [{ archiveDays: 90.5 }, /archiveDays must be a whole number/],
    [{ archiveDays: 7301 }, /archiveDays .* got 7301/],
    [{ prefix: 'alerts' }, /AlertArchive: prefix must be empty or lower-case path segments each ending in \/.*got "alerts"/],
    [{ prefix: '/alerts/' }, /prefix .* got "\/alerts\/"/],
    [{ prefix: 'Alerts/' }, /prefix .* got "Alerts\/"/],
    [{ databaseName: 'panther-alerts' }, /AlertArchive: databaseName must be 1-255 lower-case letters, digits or _, got "panther-alerts"/],
    [{ bytesScannedCutoffPerQuery: 1_000 }, /bytesScannedCutoffPerQuery must be a whole number of bytes, at least 10000000 .*got 1000/],
    [
      { archiveDays: 30, prefix: 'alerts' },
      /AlertArchive: 2 problems:\n- archiveDays must be .* got 30\n- prefix must be empty .* got "alerts"/,
    ],
  ] as [AlertArchiveProps, RegExp][])('refuses %j, naming the prop', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  it('accepts the bounds and an empty prefix', () => {
    expect(() => build({ archiveDays: 31 })).not.toThrow();
    expect(() => build({ archiveDays: 7300 })).not.toThrow();
    expect(build({ prefix: '' }).archive.prefix).toBe('');
  });
});

describe('AlertArchive under cdk-nag', () => {
  /** As lib/forwarder-app.ts runs it: AwsSolutions on the whole app, a finding nobody acknowledged fails the synth. */
  function nagged(props: AlertArchiveProps, configure?: Configure, key = false): App {
    const { app } = create(props, configure, key);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    return app;
  }
  const grantAll = (archive: AlertArchive, stack: Stack) => {
    archive.grantWrite(new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
    archive.grantQuery(new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() }));
    archive.grantReadToPrincipals([new iam.AccountPrincipal('222222222222')]);
  };

  it('synthesizes plain with no finding left', () => {
    expect(() => nagged({}).synth()).not.toThrow();
  });

  it('synthesizes with Object Lock, a KMS key and every grant with no finding left', () => {
    expect(() => nagged({ objectLock: true }, grantAll, true).synth()).not.toThrow();
  });

  it('fails on a finding nobody acknowledged (the check is live)', () => {
    const app = nagged({}, (archive, stack) => {
      const unrelated = new iam.Role(stack, 'Unrelated', { assumedBy: new iam.AccountRootPrincipal() });
      archive.bucket.grantRead(unrelated);
    });
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5/);
  });
});
