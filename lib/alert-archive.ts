/**
 * The alert archive: every alert exactly as Panther sent it, kept in a versioned, TLS-only, private
 * bucket for `archiveDays`, and queryable with SQL at once: a Glue table with partition projection
 * (no crawler, no partitions to add) in an Athena workgroup of its own (lib/archive-table.ts).
 *
 * Write-once is S3's own rule here, not the writers' good manners: the bucket policy denies, to every
 * principal, a PutObject under the prefix without the `If-None-Match` condition, so an object that
 * exists is never replaced (S3 answers 412), and the writers get PutObject under the prefix and no
 * other action. `objectLock` adds what a policy cannot: protection from the account's own admins.
 */
import { Duration, Names, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { acknowledgeObjectWildcard, encryptedWith, expiring, listingOnly, PRIVATE_BUCKET, TRANSITION_DAYS } from './archive-buckets';
import { type AlertArchiveProps, type ArchiveReadOptions, checkAlertArchiveProps } from './archive-props';
import { ALERT_PARTITIONS, createArchiveTable, createNamedQueries, QUERY_ACTIONS, TABLE_NAME } from './archive-table';

export {
  ALERT_ARCHIVE_DEFAULTS,
  type AlertArchiveProps,
  type ArchiveReadOptions,
  checkAlertArchiveProps,
  DEFAULT_SCAN_CUTOFF_BYTES,
} from './archive-props';
export { ALERT_COLUMNS } from './archive-table';

/**
 * The archive bucket and its access-log bucket, the Glue database and table over it, and an Athena
 * workgroup with its own results bucket and saved queries. Grants are made here, so each covers
 * exactly the keys, table and workgroup it needs; none deletes an archived object or version.
 */
export class AlertArchive extends Construct {
  /** The vault: the alerts, each one object. */
  public readonly bucket: s3.Bucket;
  /** Where the alerts are, e.g. `alerts/`. */
  public readonly prefix: string;
  public readonly archiveDays: number;
  /** Server access logs of the archive and results buckets (who read, wrote or deleted what). */
  public readonly accessLogsBucket: s3.Bucket;
  /** Athena query results of the workgroup, expired after 30 days. */
  public readonly resultsBucket: s3.Bucket;
  /** Glue database name. */
  public readonly database: string;
  /** Glue table name, within `database`. */
  public readonly table: string;
  /** Athena workgroup name: queries run here get the results location, encryption and scan cutoff enforced. */
  public readonly workGroup: string;
  public readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: AlertArchiveProps = {}) {
    super(scope, id);
    // Access logs are delivered under a bucket policy, not the log-delivery ACL (which needs ACLs on
    // the log bucket): CDK's recommended flag, set here so the app's cdk.json need not.
    this.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const config = checkAlertArchiveProps(props, () => Names.uniqueResourceName(this, { separator: '_', maxLength: 64 }).toLowerCase());
    this.prefix = config.prefix;
    this.archiveDays = config.archiveDays;
    this.database = config.databaseName;
    this.table = TABLE_NAME;
    this.encryptionKey = props.encryptionKey;

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      ...PRIVATE_BUCKET,
      // Server access logging delivers to SSE-S3 targets; the logs hold keys and callers, not alerts.
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      // Kept as long as the alerts they account for.
      lifecycleRules: [expiring(config.archiveDays)],
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...PRIVATE_BUCKET,
      ...encryptedWith(props.encryptionKey),
      versioned: true,
      ...(config.objectLock
        ? { objectLockEnabled: true, objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(config.archiveDays)) }
        : {}),
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'archive/',
      // S3's own default, made explicit: alerts under 128 KB (nearly all) never leave Standard, where
      // they are cheaper than IA's 128 KB minimum billable size would make them.
      transitionDefaultMinimumObjectSize: s3.TransitionDefaultMinimumObjectSize.ALL_STORAGE_CLASSES_128_K,
      lifecycleRules: [
        {
          ...expiring(config.archiveDays),
          transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(TRANSITION_DAYS) }],
        },
      ],
    });
    // Write-once, enforced by S3 for everyone: a PUT (or copy) under the prefix must say If-None-Match.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ArchiveIsWriteOnce',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${this.prefix}*`)],
        conditions: { Null: { 's3:if-none-match': 'true' } },
      }),
    );
    this.resultsBucket = new s3.Bucket(this, 'ResultsBucket', {
      ...PRIVATE_BUCKET,
      ...encryptedWith(props.encryptionKey),
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'results/',
      lifecycleRules: [{ expiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });

    const table = createArchiveTable(this, {
      bucket: this.bucket,
      prefix: this.prefix,
      archiveDays: this.archiveDays,
      database: this.database,
    });
    this.workGroup = Names.uniqueResourceName(this, { separator: '-', maxLength: 128 });
    const workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroup,
      description: 'Queries over the Panther alert archive',
      state: 'ENABLED',
      // Deleting the stack removes the saved queries with it; the results bucket is kept.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: config.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: this.resultsBucket.s3UrlForObject('results/'),
          expectedBucketOwner: Stack.of(this).account,
          encryptionConfiguration: props.encryptionKey
            ? { encryptionOption: 'SSE_KMS', kmsKey: props.encryptionKey.keyArn }
            : { encryptionOption: 'SSE_S3' },
        },
      },
    });
    createNamedQueries(this, table, this.database, workGroup);
  }

  /** Reads the alerts (and decrypts them, through S3 only); the invalid bodies only when asked. */
  public grantRead(grantee: iam.IGrantable, options: ArchiveReadOptions = {}): void {
    const keys = this.readableKeys(options);
    this.grantObjects(grantee, this.bucket, keys, ['s3:GetObject'], ['kms:Decrypt']);
    iam.Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [this.bucket.bucketArn], ...listingOnly(keys) });
  }

  /**
   * Runs queries in the workgroup: Athena, the table's Glue metadata, reading the alerts, and reading
   * and writing the results bucket. (The Athena console also lists workgroups and catalogs: grant its
   * console read actions separately.)
   */
  public grantQuery(grantee: iam.IGrantable, options: ArchiveReadOptions = {}): void {
    this.grantRead(grantee, options);
    iam.Grant.addToPrincipal({ grantee, actions: QUERY_ACTIONS, resourceArns: [this.arn('athena', 'workgroup', this.workGroup)] });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
      resourceArns: [
        this.arn('glue', 'catalog'),
        this.arn('glue', 'database', this.database),
        this.arn('glue', 'table', `${this.database}/${this.table}`),
      ],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetBucketLocation'],
      resourceArns: [this.bucket.bucketArn, this.resultsBucket.bucketArn],
    });
    const results = ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];
    this.grantObjects(grantee, this.resultsBucket, '*', results, ['kms:Decrypt', 'kms:GenerateDataKey']);
    iam.Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [this.resultsBucket.bucketArn] });
  }

  /**
   * Writes under the prefix, nothing else: PutObject only (no read, no delete, no other prefix), and a
   * data key through S3 when the bucket has a KMS key. The bucket policy makes every such PUT a
   * create-only one (If-None-Match).
   */
  public grantWrite(grantee: iam.IGrantable): void {
    this.grantObjects(grantee, this.bucket, `${this.prefix}*`, ['s3:PutObject'], ['kms:GenerateDataKey']);
  }

  /**
   * Bucket policy statements (and key policy, for a key created in this app) letting principals in
   * other accounts read the alerts (the invalid bodies only when asked); their own account must allow
   * it too. A key imported by ARN keeps its policy: its owner grants kms:Decrypt.
   */
  public grantReadToPrincipals(principals: readonly iam.IPrincipal[], options: ArchiveReadOptions = {}): void {
    if (principals.length === 0) return;
    const keys = this.readableKeys(options);
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({ principals: [...principals], actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(keys)] }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [...principals],
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        ...listingOnly(keys),
      }),
    );
    this.encryptionKey?.addToResourcePolicy(
      new iam.PolicyStatement({ principals: [...principals], actions: ['kms:Decrypt'], resources: ['*'], conditions: this.throughS3Only }),
    );
  }

  /** The keys a reader gets: the alerts' partitions, or everything under the prefix. */
  private readableKeys(options: ArchiveReadOptions): string {
    return `${this.prefix}${options.includeInvalid ? '' : ALERT_PARTITIONS}*`;
  }

  /** Objects matching `keys` (GetObject/PutObject…), and the key's actions through S3. */
  private grantObjects(grantee: iam.IGrantable, bucket: s3.Bucket, keys: string, actions: string[], keyActions: string[]): void {
    iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [bucket.arnForObjects(keys)] });
    if (this.encryptionKey) {
      iam.Grant.addToPrincipal({ grantee, actions: keyActions, resourceArns: [this.encryptionKey.keyArn], conditions: this.throughS3Only });
    }
    acknowledgeObjectWildcard(grantee, bucket, keys);
  }

  /** The key is used through S3 only, never directly. */
  private get throughS3Only() {
    return { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.${Stack.of(this).urlSuffix}` } };
  }

  private arn(service: string, resource: string, resourceName?: string): string {
    return Stack.of(this).formatArn({ service, resource, resourceName });
  }
}
