/**
 * The alert archive: every alert exactly as Panther sent it, kept in a versioned, TLS-only, private
 * bucket for `archiveDays` (write-once with `objectLock`), and queryable with SQL at once: a Glue
 * table with partition projection (no crawler, no partitions to add) in an Athena workgroup of its own.
 *
 * The archive processor writes `<prefix>dt=YYYY-MM-DD/hour=HH/<64 hex>.json` (functions/core/archive-key.ts),
 * one alert per object on one line (the JSON SerDes read a line as a row), dt and hour being the
 * alert's createdAt in UTC.
 */
import { Duration, Names, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import schema from '../functions/core/panther-alert.schema.json';
import { isArchivePrefix } from '../functions/core/archive-prefix';
import { FORWARDER_SETTINGS as SETTINGS } from '../functions/core/settings';

export interface AlertArchiveProps {
  /**
   * A customer-managed KMS key for the archive and the query results (SSE-KMS, with S3 Bucket Keys).
   * @default S3-managed encryption (SSE-S3)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Days each alert is kept from its write: the lifecycle expiry, the Object Lock retention, and
   * (with the days an alert can arrive late) the start of the table's date range. Alerts of 128 KB
   * or more move to Standard-IA after 30 days, so at least 31.
   * @default 365
   */
  readonly archiveDays?: number;
  /**
   * S3 Object Lock in COMPLIANCE mode, default retention `archiveDays`: no one, the account root
   * included, can delete or overwrite an alert before then (the lifecycle expiry still removes it
   * after). One-way: S3 never turns Object Lock off again for the bucket, nor suspends its versioning.
   * @default false
   */
  readonly objectLock?: boolean;
  /**
   * Key prefix of the alerts, as the archive processor's ARCHIVE_PREFIX: empty, or lower-case path
   * segments each ending in `/`.
   * @default 'alerts/'
   */
  readonly prefix?: string;
  /**
   * The Glue database (lower-case letters, digits and _), as analysts will type it.
   * @default a name unique to this construct, e.g. `pantheralertforwarder_archive_90b8f0f9`
   */
  readonly databaseName?: string;
}

export const ALERT_ARCHIVE_DEFAULTS = { archiveDays: 365, objectLock: false, prefix: 'alerts/' } as const;

/** Alerts move to Standard-IA after this many days (see the README's cost section). */
const TRANSITION_DAYS = 30;
const MAX_ARCHIVE_DAYS = 2 * 3650;
/** How long a deleted or overwritten version stays recoverable. */
const NONCURRENT_DAYS = 30;
const ABORT_UPLOAD_DAYS = 7;
/** Query results hold alert data: gone after a month. */
const RESULTS_DAYS = 30;
const TABLE_NAME = 'alerts';
/**
 * How long after its createdAt (its dt) an alert can be written: Panther retries for up to 3 days and
 * the archive queue keeps a message 14. Its object expires archiveDays after the write, so the table
 * looks back this much further.
 */
const LATE_WRITE_DAYS = 3 + SETTINGS.retentionDays;

/** Property of the alert JSON Schema, as far as a column needs it. */
interface SchemaField {
  readonly description?: string;
  readonly type?: string | readonly string[];
}

/**
 * A column for every field of the schema, so a field added there is queryable after the next deploy.
 * Names are lower case: the OpenX SerDe matches keys case-insensitively (createdAt fills createdat).
 * Every column is a string except arrays (tags): for a string column the OpenX SerDe returns any JSON
 * value, object or array included, as its JSON text, so alertContext (any shape) reads as JSON text
 * for json_extract(). The Hive JSON SerDe fails such a row instead ("value must be a scalar json
 * value"). Sources: trinodb/trino lib/trino-hive-formats, openxjson/README.md ("VARCHAR: all JSON
 * values are supported by rendering canonical JSON to text") and line/json/JsonDeserializer.java
 * (Athena engine 3 is built on Trino); rcongiu/Hive-JSON-Serde JavaStringJsonObjectInspector (the
 * original OpenX SerDe returns the nested JSONObject's toString()). Athena's "OpenX JSON SerDe" page
 * documents ignore.malformed.json and case.insensitive.
 */
export const ALERT_COLUMNS: readonly glue.CfnTable.ColumnProperty[] = Object.entries(schema.properties as Record<string, SchemaField>).map(
  ([field, { description = '', type }]) => {
    const types = [type ?? []].flat();
    const column = types.includes('array') ? 'array<string>' : 'string';
    const text = types.length === 0 ? `JSON text (json_extract): ${description}` : description;
    return { name: field.toLowerCase(), type: column, comment: text.slice(0, 255) };
  },
);

/**
 * The archive bucket and its access-log bucket, the Glue database and table over it, and an Athena
 * workgroup with its own results bucket and saved queries. Grants are made here, so each covers
 * exactly the prefix, table and workgroup it needs.
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
  /** Athena workgroup name: queries run here get the results location and encryption enforced. */
  public readonly workGroup: string;
  public readonly encryptionKey?: kms.IKey;
  private readonly workGroupResource: athena.CfnWorkGroup;

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
    this.resultsBucket = new s3.Bucket(this, 'ResultsBucket', {
      ...PRIVATE_BUCKET,
      ...encryptedWith(props.encryptionKey),
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'results/',
      lifecycleRules: [{ expiration: Duration.days(RESULTS_DAYS), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });

    const table = this.createTable();
    this.workGroup = Names.uniqueResourceName(this, { separator: '-', maxLength: 128 });
    this.workGroupResource = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroup,
      description: 'Queries over the Panther alert archive',
      state: 'ENABLED',
      // Deleting the stack removes the saved queries with it; the results bucket is kept.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
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
    this.createNamedQueries(table);
  }

  /** Reads the alerts (and decrypts them, through S3 only). */
  public grantRead(grantee: iam.IGrantable): void {
    this.grantObjects(grantee, this.bucket, this.prefix, ['s3:GetObject'], ['kms:Decrypt']);
  }

  /**
   * Runs queries in the workgroup: Athena, the table's Glue metadata, reading the alerts, and reading
   * and writing the results bucket. (The Athena console also lists workgroups and catalogs: grant its
   * console read actions separately.)
   */
  public grantQuery(grantee: iam.IGrantable): void {
    this.grantRead(grantee);
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
    this.grantObjects(
      grantee,
      this.resultsBucket,
      '',
      ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      ['kms:Decrypt', 'kms:GenerateDataKey'],
    );
  }

  /** Writes alerts under the prefix, nothing else: PutObject (and a data key, through S3 only). */
  public grantWrite(grantee: iam.IGrantable): void {
    this.grantObjects(grantee, this.bucket, this.prefix, ['s3:PutObject'], ['kms:GenerateDataKey'], false);
  }

  /**
   * Bucket policy statements (and key policy, for a key created in this app) letting principals in
   * other accounts read the alerts; their own account must allow it too. A key imported by ARN keeps
   * its policy: its owner grants kms:Decrypt.
   */
  public grantReadToPrincipals(principals: readonly iam.IPrincipal[]): void {
    if (principals.length === 0) return;
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [...principals],
        actions: ['s3:GetObject'],
        resources: [this.objectsArn(this.bucket, this.prefix)],
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [...principals],
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        ...listingOnly(this.prefix),
      }),
    );
    this.encryptionKey?.addToResourcePolicy(
      new iam.PolicyStatement({ principals: [...principals], actions: ['kms:Decrypt'], resources: ['*'], conditions: this.throughS3Only }),
    );
  }

  /** Objects under a prefix (GetObject/PutObject…), listing it, and the key's actions through S3. */
  private grantObjects(
    grantee: iam.IGrantable,
    bucket: s3.Bucket,
    prefix: string,
    actions: string[],
    keyActions: string[],
    list = true,
  ): void {
    iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.objectsArn(bucket, prefix)] });
    if (list) {
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['s3:ListBucket'],
        resourceArns: [bucket.bucketArn],
        ...listingOnly(prefix),
      });
    }
    if (this.encryptionKey) {
      iam.Grant.addToPrincipal({ grantee, actions: keyActions, resourceArns: [this.encryptionKey.keyArn], conditions: this.throughS3Only });
    }
    acknowledgeObjectWildcard(grantee, bucket, prefix);
  }

  private objectsArn(bucket: s3.IBucket, prefix: string): string {
    return bucket.arnForObjects(`${prefix}*`);
  }

  /** The key is used through S3 only, never directly. */
  private get throughS3Only() {
    return { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.${Stack.of(this).urlSuffix}` } };
  }

  private arn(service: string, resource: string, resourceName?: string): string {
    return Stack.of(this).formatArn({ service, resource, resourceName });
  }

  /**
   * The table: one row per alert, partitioned by dt (date) and hour, both projected from the key
   * layout (Athena computes the partitions; nothing registers them). Queries that filter on dt read
   * only those days' objects.
   */
  private createTable(): glue.CfnTable {
    const stack = Stack.of(this);
    const database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: this.database, description: 'Panther alerts, as archived' },
    });
    const location = `s3://${this.bucket.bucketName}/${this.prefix}`;
    return new glue.CfnTable(this, 'Table', {
      catalogId: stack.account,
      databaseName: database.ref,
      tableInput: {
        name: this.table,
        description: 'One row per Panther alert; filter on dt (yyyy-MM-dd, UTC) to scan only those days',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [
          { name: 'dt', type: 'string', comment: 'Day of the alert’s createdAt, yyyy-MM-dd (UTC)' },
          { name: 'hour', type: 'int', comment: 'Hour of the alert’s createdAt, 0-23 (UTC)' },
        ],
        parameters: {
          classification: 'json',
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          // Older objects have expired: projecting further back would only list empty prefixes.
          'projection.dt.range': `NOW-${this.archiveDays + LATE_WRITE_DAYS}DAYS,NOW+1DAYS`,
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'projection.hour.type': 'integer',
          'projection.hour.range': '0,23',
          'projection.hour.digits': '2',
          'storage.location.template': `${location}dt=\${dt}/hour=\${hour}/`,
        },
        storageDescriptor: {
          location,
          columns: [...ALERT_COLUMNS],
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          compressed: false,
          serdeInfo: {
            serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            // A malformed object becomes a row of nulls instead of failing every query over its day.
            parameters: { 'ignore.malformed.json': 'true', 'case.insensitive': 'true' },
          },
        },
      },
    });
  }

  /** Saved queries in the workgroup, each filtered on dt so it reads only the days it needs. */
  private createNamedQueries(table: glue.CfnTable): void {
    const from = `"${this.database}"."${this.table}"`;
    const since = (days: number) => `dt >= date_format(current_date - INTERVAL '${days}' DAY, '%Y-%m-%d')`;
    const queries: Record<string, { name: string; description: string; sql: string[] }> = {
      HighAlertsQuery: {
        name: 'HIGH alerts, last 7 days',
        description: 'Every HIGH alert of the last 7 days (UTC), newest first',
        sql: [
          'SELECT createdat, id AS detection, title, alertid, link',
          `FROM ${from}`,
          `WHERE ${since(7)}`,
          "  AND severity = 'HIGH'",
          'ORDER BY createdat DESC',
        ],
      },
      DailyCountsQuery: {
        name: 'Alerts per detection per day, last 30 days',
        description: 'How many alerts each detection raised each day (UTC), last 30 days',
        sql: [
          'SELECT dt, id AS detection, count(*) AS alerts',
          `FROM ${from}`,
          `WHERE ${since(30)}`,
          'GROUP BY dt, id',
          'ORDER BY dt DESC, alerts DESC',
        ],
      },
      AlertByIdQuery: {
        name: 'One alert by alertId',
        description: "Parameters: first and last day to search ('yyyy-MM-dd'), then the alertId",
        sql: [
          '-- The day range keeps the scan to those days: give the alert’s creation day, or a few around it.',
          'SELECT "$path" AS object, *',
          `FROM ${from}`,
          'WHERE dt BETWEEN ? AND ?',
          '  AND alertid = ?',
        ],
      },
    };
    for (const [id, query] of Object.entries(queries)) {
      const named = new athena.CfnNamedQuery(this, id, {
        name: query.name,
        description: query.description,
        database: this.database,
        workGroup: this.workGroupResource.ref,
        queryString: query.sql.join('\n'),
      });
      named.node.addDependency(table);
    }
  }
}

/** Exactly what running and reading queries in one workgroup needs. */
const QUERY_ACTIONS = [
  'athena:StartQueryExecution',
  'athena:StopQueryExecution',
  'athena:GetQueryExecution',
  'athena:BatchGetQueryExecution',
  'athena:ListQueryExecutions',
  'athena:GetQueryResults',
  'athena:GetQueryResultsStream',
  'athena:GetWorkGroup',
  'athena:GetNamedQuery',
  'athena:BatchGetNamedQuery',
  'athena:ListNamedQueries',
];

/** What every bucket of the archive shares: private, TLS 1.2+ only, no ACLs, and kept with the stack gone. */
const PRIVATE_BUCKET = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  // A stack deletion never takes alerts or their audit trail with it (and autoDeleteObjects stays off).
  removalPolicy: RemovalPolicy.RETAIN,
  autoDeleteObjects: false,
} satisfies s3.BucketProps;

/** ListBucket limited to a prefix (none for the whole bucket). */
function listingOnly(prefix: string): { conditions?: Record<string, Record<string, unknown>> } {
  return prefix ? { conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } } } : {};
}

function encryptedWith(key: kms.IKey | undefined): Pick<s3.BucketProps, 'encryption' | 'encryptionKey' | 'bucketKeyEnabled'> {
  // Bucket Keys: one KMS call per bucket key instead of one per PUT and GET of a 3 KB alert.
  return key
    ? { encryption: s3.BucketEncryption.KMS, encryptionKey: key, bucketKeyEnabled: true }
    : { encryption: s3.BucketEncryption.S3_MANAGED };
}

/** Current versions expire after `days`; a version deleted or overwritten stays recoverable 30 days more. */
function expiring(days: number): s3.LifecycleRule {
  return {
    expiration: Duration.days(days),
    noncurrentVersionExpiration: Duration.days(NONCURRENT_DAYS),
    abortIncompleteMultipartUploadAfter: Duration.days(ABORT_UPLOAD_DAYS),
  };
}

/**
 * Object keys are content hashes, unknown until written: a grant on objects is a wildcard on this
 * bucket's prefix by nature. Acknowledged on the grantee's role when it is in the bucket's stack.
 */
function acknowledgeObjectWildcard(grantee: iam.IGrantable, bucket: s3.Bucket, prefix: string): void {
  const principal = grantee.grantPrincipal;
  if (!Construct.isConstruct(principal) || Stack.of(principal) !== Stack.of(bucket)) return;
  const bucketId = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  Validations.of(principal).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
    reason: `Objects are named by content hash at write time; the grant covers only ${prefix ? `the ${prefix} prefix of ` : ''}this bucket.`,
  });
}

/** The props with their defaults, checked at synth: a message names the prop and the value. */
export function checkAlertArchiveProps(props: AlertArchiveProps, defaultDatabaseName: () => string) {
  const fail = (prop: string, why: string, value: unknown): never => {
    throw new Error(`AlertArchive: ${prop} ${why}, got ${JSON.stringify(value)}`);
  };
  const archiveDays = props.archiveDays ?? ALERT_ARCHIVE_DEFAULTS.archiveDays;
  const minDays = TRANSITION_DAYS + 1;
  if (!Token.isUnresolved(archiveDays) && (!Number.isInteger(archiveDays) || archiveDays < minDays || archiveDays > MAX_ARCHIVE_DAYS)) {
    fail(
      'archiveDays',
      `must be a whole number from ${minDays} (alerts move to Standard-IA after ${TRANSITION_DAYS}) to ${MAX_ARCHIVE_DAYS}`,
      archiveDays,
    );
  }
  const prefix = props.prefix ?? ALERT_ARCHIVE_DEFAULTS.prefix;
  if (!isArchivePrefix(prefix)) fail('prefix', 'must be empty or lower-case path segments each ending in / (e.g. "alerts/")', prefix);
  const databaseName = props.databaseName ?? defaultDatabaseName();
  if (!/^[a-z0-9_]{1,255}$/.test(databaseName)) fail('databaseName', 'must be 1-255 lower-case letters, digits or _', databaseName);
  return { archiveDays, prefix, databaseName, objectLock: props.objectLock ?? ALERT_ARCHIVE_DEFAULTS.objectLock };
}
