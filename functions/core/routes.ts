/**
 * Fan-out routes: named queues that receive, besides the alert queue, the alerts matching a filter
 * on severity and/or type (e.g. `paging` ← HIGH and CRITICAL). One validator serves the construct at
 * synth and the receiver at load, so a route that would fail at every cold start never deploys.
 */
import schema from './panther-alert.schema.json';

/** A route name: it also names queues and stack outputs. */
export const ROUTE_NAME = /^[A-Za-z0-9-]{1,40}$/;

/** The severities an alert can have, in the schema's order (INFO … CRITICAL). */
export const SEVERITIES: readonly string[] = schema.properties.severity.enum;
/** What an alert type looks like (the schema's pattern): UPPER_SNAKE_CASE. */
export const ALERT_TYPE = new RegExp(schema.properties.type.pattern);

/** What a route selects: all alerts when neither list is given. */
export interface RouteFilter {
  readonly name: string;
  /** Only alerts of these severities; all when absent. */
  readonly severities?: readonly string[];
  /** Only alerts of these types; all when absent. */
  readonly types?: readonly string[];
}

/** A route as the receiver knows it: its filter and where its alerts go. */
export interface Route extends RouteFilter {
  readonly queueUrl: string;
}

/** What a route is matched on: the alert's routing attributes. */
export interface Routable {
  readonly severity: string;
  readonly type: string;
}

export function matchingRoutes<R extends RouteFilter>(routes: readonly R[], alert: Routable): R[] {
  return routes.filter(
    (route) =>
      (route.severities === undefined || route.severities.includes(alert.severity)) &&
      (route.types === undefined || route.types.includes(alert.type)),
  );
}

/** The construct id (and output prefix) of a route: `paging-eu` → `RoutePagingEu`. */
export function routeId(name: string): string {
  return `Route${name.replace(/(^|-)(.)/g, (_all: string, _dash: string, c: string) => c.toUpperCase())}`;
}

/**
 * Checks route definitions from any source (CDK props or context, the receiver's ROUTES) and
 * returns them typed; throws an error that names the route and the field. `source` prefixes it.
 */
export function checkRoutes(value: unknown, source: string, { requireQueueUrl = false } = {}): RouteFilter[] {
  const fail = (why: string): never => {
    throw new Error(`${source}: ${why}`);
  };
  if (!Array.isArray(value)) return fail('must be an array of {name, severities?, types?}');
  const seen = new Set<string>();
  return value.map((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return fail(`route ${index} must be an object`);
    const { name, severities, types, queueUrl, ...unknown } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || !ROUTE_NAME.test(name)) {
      return fail(`route ${index} name ${JSON.stringify(name ?? null)}: use 1-40 letters, digits and -`);
    }
    const route = `route "${name}"`;
    if (seen.has(name.toLowerCase())) fail(`${route} is defined twice (names are compared without case: they name queues)`);
    seen.add(name.toLowerCase());
    const extra = Object.keys(unknown).filter((key) => !(key === 'queueUrl' && requireQueueUrl));
    if (extra.length > 0) fail(`${route} has unknown field ${extra[0]} (a filter has severities and types)`);
    if (requireQueueUrl && (typeof queueUrl !== 'string' || !URL.canParse(queueUrl))) fail(`${route} needs a queueUrl`);
    const list = (field: string, values: unknown, allowed: (v: string) => boolean, rule: string) => {
      if (values === undefined) return undefined;
      if (!Array.isArray(values) || values.length === 0) return fail(`${route} ${field} must be a non-empty array (omit it to match all)`);
      const strings = values.map((v) =>
        typeof v === 'string' && allowed(v) ? v : fail(`${route} ${field}: ${JSON.stringify(v)} ${rule}`),
      );
      const repeated = strings.find((v, i) => strings.indexOf(v) !== i);
      if (repeated !== undefined) fail(`${route} ${field}: ${repeated} is listed twice`);
      return strings;
    };
    const checkedSeverities = list('severities', severities, (v) => SEVERITIES.includes(v), `is not one of ${SEVERITIES.join(', ')}`);
    const checkedTypes = list('types', types, (v) => ALERT_TYPE.test(v), 'is not an UPPER_SNAKE_CASE alert type, e.g. RULE or POLICY');
    return {
      name,
      ...(checkedSeverities ? { severities: checkedSeverities } : {}),
      ...(checkedTypes ? { types: checkedTypes } : {}),
      ...(requireQueueUrl ? { queueUrl } : {}),
    };
  });
}

/** Routes from JSON text (an environment variable named `source`); empty or unset means none. */
export function parseRouteFilters(json: string | undefined, source: string, options: { requireQueueUrl?: boolean } = {}): RouteFilter[] {
  if (json === undefined || json === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error(`${source}: not JSON`);
  }
  return checkRoutes(parsed, source, options);
}

/** The receiver's ROUTES (JSON, with queue URLs); throws (failing the cold start) on anything malformed. */
export function parseRoutes(json: string | undefined): Route[] {
  return parseRouteFilters(json, 'ROUTES', { requireQueueUrl: true }) as Route[];
}
