/**
 * The bus's events as JSON Schema draft 4, the format EventBridge's schema registry accepts (with
 * OpenAPI 3) and makes code bindings from: converted when the template is built from the alert
 * schema (functions/core/panther-alert.schema.json, draft 7, the source of truth), never written by
 * hand. test/lib/alert-bus.test.ts checks the result against the corpus.
 *
 * The alert schema uses only keywords draft 4 shares with draft 7; what is not JSON Schema (the
 * code generator's `tsType`) and the project's own `aws-date-time` format (unknown to the registry
 * and to code generators, which would choke on it) are dropped, their meaning kept in the description.
 */
import alertSchema from '../functions/core/panther-alert.schema.json';
import { BUS_EVENT_DETAIL_TYPE, BUS_EVENT_SOURCE, DEDUP_RESOURCE_PREFIX } from '../functions/core/bus-event';

export const DRAFT_4 = 'http://json-schema.org/draft-04/schema#';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Keywords draft 4 does not know, or that the registry must not see, and what replaces them. */
function toDraft4(node: Json): Json {
  if (Array.isArray(node)) return node.map(toDraft4);
  if (node === null || typeof node !== 'object') return node;
  const converted: Record<string, Json> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'tsType' || key === '$schema' || key === '$id') continue;
    if (key === 'format' && value === 'aws-date-time') continue;
    // Property names are data, not keywords: converted as schemas, kept as names.
    converted[key] =
      key === 'properties' && value !== null && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, toDraft4(schema)]))
        : toDraft4(value);
  }
  return converted;
}

/** The alert (an event's `detail`) as draft 4. */
export function alertSchemaDraft4(): Record<string, Json> {
  return { $schema: DRAFT_4, ...(toDraft4(alertSchema as unknown as Json) as Record<string, Json>) };
}

/** The detail of an alert too big for the bus: its pointer (functions/core/bus-event.ts, PointerDetail). */
const POINTER_DETAIL: Json = {
  title: 'PantherAlertPointer',
  description: 'An alert too big for one EventBridge entry: its routing fields, its dedupKey and where the archive holds it.',
  type: 'object',
  required: ['truncated', 'severity', 'type', 'id', 'dedupKey'],
  properties: {
    truncated: { type: 'boolean', enum: [true] },
    severity: { type: 'string' },
    type: { type: 'string' },
    id: { type: 'string', description: "The detection's id (the alert's own `id`)." },
    alertId: { type: 'string' },
    dedupKey: { type: 'string', description: 'SHA-256 (hex) of the alert as Panther sent it.' },
    archiveUri: { type: 'string', description: 's3://bucket/key of the archived alert; absent without the archive.' },
  },
};

/** An event on the bus, as rules and targets see it, with this detail. */
function eventSchema(title: string, detail: Json): Record<string, Json> {
  return {
    $schema: DRAFT_4,
    title,
    type: 'object',
    required: ['source', 'detail-type', 'detail'],
    properties: {
      version: { type: 'string' },
      id: { type: 'string' },
      'detail-type': { type: 'string', enum: [BUS_EVENT_DETAIL_TYPE] },
      source: { type: 'string', enum: [BUS_EVENT_SOURCE] },
      account: { type: 'string' },
      time: { type: 'string', format: 'date-time' },
      region: { type: 'string' },
      resources: {
        type: 'array',
        description: `The alert's dedupKey as ${DEDUP_RESOURCE_PREFIX}<sha256>.`,
        items: { type: 'string' },
      },
      detail,
    },
  };
}

/** What the registry publishes: the alert event, and the pointer event of an alert too big for the bus. */
export function busEventSchemas(): { readonly alert: Record<string, Json>; readonly pointer: Record<string, Json> } {
  const { $schema: _, ...alert } = alertSchemaDraft4();
  return { alert: eventSchema('PantherAlertEvent', alert), pointer: eventSchema('PantherAlertPointerEvent', POINTER_DETAIL) };
}
