/**
 * Fan-out routes: named queues that receive, besides the alert queue, the alerts matching a filter
 * on severity and/or type (e.g. `paging` ← HIGH and CRITICAL). Read from ROUTES (JSON) at load.
 */
import type { RoutingAttributes } from './webhook-core';

/** A route name: it also names queues and stack outputs. */
export const ROUTE_NAME = /^[A-Za-z0-9-]{1,40}$/;

export interface Route {
  readonly name: string;
  readonly queueUrl: string;
  /** Only alerts of these severities; all when absent. */
  readonly severities?: readonly string[];
  /** Only alerts of these types; all when absent. */
  readonly types?: readonly string[];
}

export function matchingRoutes(routes: readonly Route[], attributes: RoutingAttributes): Route[] {
  return routes.filter(
    (route) =>
      (route.severities === undefined || route.severities.includes(attributes.severity)) &&
      (route.types === undefined || route.types.includes(attributes.type)),
  );
}

/** Parses and checks ROUTES; throws (failing the cold start) on anything malformed. */
export function parseRoutes(json: string | undefined): Route[] {
  if (json === undefined || json === '') return [];
  const fail = (why: string): never => {
    throw new Error(`ROUTES must be a JSON array of {name, queueUrl, severities?, types?}: ${why}`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return fail('not JSON');
  }
  if (!Array.isArray(parsed)) return fail('not an array');
  const strings = (value: unknown, field: string) => {
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
      return fail(`${field} must be a non-empty array of strings`);
    }
    return value as string[];
  };
  return parsed.map((entry: Record<string, unknown>, index) => {
    if (typeof entry?.name !== 'string' || !ROUTE_NAME.test(entry.name)) fail(`route ${index} needs a name of letters, digits and -`);
    if (typeof entry.queueUrl !== 'string' || !URL.canParse(entry.queueUrl)) fail(`route ${entry.name} needs a queueUrl`);
    const severities = strings(entry.severities, `route ${entry.name} severities`);
    const types = strings(entry.types, `route ${entry.name} types`);
    return {
      name: entry.name as string,
      queueUrl: entry.queueUrl as string,
      ...(severities ? { severities } : {}),
      ...(types ? { types } : {}),
    };
  });
}
