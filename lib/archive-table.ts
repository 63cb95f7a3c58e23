/**
 * SQL over the archive: the Glue table (one row per alert, partitions projected from the key layout)
 * and the saved queries of the archive's Athena workgroup.
 *
 * The doors write `<prefix>dt=YYYY-MM-DD/hour=HH/<64 hex>.json` (functions/core/archive-key.ts), one
 * alert per object on one line (the JSON SerDes read a line as a row), dt and hour being the alert's
 * createdAt in UTC. Bodies that are not alerts go under `<prefix>invalid/`, outside every partition.
 */
import { Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import schema from '../functions/core/panther-alert.schema.json';
import { FORWARDER_SETTINGS as SETTINGS } from '../functions/core/settings';

export const TABLE_NAME = 'alerts';
/** Below the prefix, where the alerts' partitions start (functions/core/archive-key.ts: partitionOf). */
export const ALERT_PARTITIONS = 'dt=';
/**
 * How long after its createdAt (its dt) an alert can be written: Panther retries for up to 3 days, and
 * an inbox message waits up to SQS's retention. Its object expires archiveDays after the write, so the
 * table looks back this much further.
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

export interface ArchiveTableOptions {
  readonly bucket: s3.IBucket;
  readonly prefix: string;
  readonly archiveDays: number;
  readonly database: string;
}

/**
 * The table: one row per alert, partitioned by dt (date) and hour, both projected from the key
 * layout (Athena computes the partitions; nothing registers them). Queries that filter on dt read
 * only those days' objects. Made in `scope` itself (`Database`, `Table`), as before the split.
 */
export function createArchiveTable(scope: Construct, options: ArchiveTableOptions): glue.CfnTable {
  const stack = Stack.of(scope);
  const database = new glue.CfnDatabase(scope, 'Database', {
    catalogId: stack.account,
    databaseInput: { name: options.database, description: 'Panther alerts, as archived' },
  });
  const location = `s3://${options.bucket.bucketName}/${options.prefix}`;
  return new glue.CfnTable(scope, 'Table', {
    catalogId: stack.account,
    databaseName: database.ref,
    tableInput: {
      name: TABLE_NAME,
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
        'projection.dt.range': `NOW-${options.archiveDays + LATE_WRITE_DAYS}DAYS,NOW+1DAYS`,
        'projection.dt.interval': '1',
        'projection.dt.interval.unit': 'DAYS',
        'projection.hour.type': 'integer',
        'projection.hour.range': '0,23',
        'projection.hour.digits': '2',
        'storage.location.template': `${location}${ALERT_PARTITIONS}\${dt}/hour=\${hour}/`,
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
export function createNamedQueries(scope: Construct, table: glue.CfnTable, database: string, workGroup: athena.CfnWorkGroup): void {
  const from = `"${database}"."${TABLE_NAME}"`;
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
    const named = new athena.CfnNamedQuery(scope, id, {
      name: query.name,
      description: query.description,
      database,
      workGroup: workGroup.ref,
      queryString: query.sql.join('\n'),
    });
    named.node.addDependency(table);
  }
}

/** Exactly what running and reading queries in one workgroup needs. */
export const QUERY_ACTIONS = [
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
