import { checkRoutes, matchingRoutes, parseRoutes, routeId } from '../../../functions/core/routes';

const attributes = (severity: string, type: string) => ({ severity, type, detectionId: 'D', dedupKey: 'k' });

describe('routes', () => {
  const routes = parseRoutes(
    JSON.stringify([
      { name: 'paging', queueUrl: 'https://sqs/1/paging', severities: ['HIGH', 'CRITICAL'] },
      { name: 'policies', queueUrl: 'https://sqs/1/policies', types: ['POLICY'] },
      { name: 'critical-policies', queueUrl: 'https://sqs/1/cp', severities: ['CRITICAL'], types: ['POLICY'] },
    ]),
  );

  it('matches on severity, type, or both', () => {
    const names = (severity: string, type: string) => matchingRoutes(routes, attributes(severity, type)).map((r) => r.name);
    expect(names('HIGH', 'RULE')).toEqual(['paging']);
    expect(names('LOW', 'POLICY')).toEqual(['policies']);
    expect(names('CRITICAL', 'POLICY')).toEqual(['paging', 'policies', 'critical-policies']);
    expect(names('INFO', 'RULE')).toEqual([]);
  });

  it('is empty when unset', () => {
    expect(parseRoutes(undefined)).toEqual([]);
    expect(parseRoutes('')).toEqual([]);
  });

  it.each([
    ['not JSON', '{'],
    ['not an array', '{}'],
    ['a bad name', '[{"name":"no spaces","queueUrl":"https://q"}]'],
    ['no queue URL', '[{"name":"a"}]'],
    ['an empty filter', '[{"name":"a","queueUrl":"https://q","severities":[]}]'],
  ])('refuses %s', (_name, json) => {
    expect(() => parseRoutes(json)).toThrow(/ROUTES/);
  });
});

describe('checkRoutes (the one validator: synth and cold start)', () => {
  it.each([
    ['an empty severity list', [{ name: 'paging', severities: [] }], 'routes: route "paging" severities must be a non-empty array'],
    [
      'a lower-case severity, which would never match',
      [{ name: 'paging', severities: ['high'] }],
      'route "paging" severities: "high" is not one of INFO, LOW, MEDIUM, HIGH, CRITICAL',
    ],
    [
      'a type that is not UPPER_SNAKE_CASE',
      [{ name: 'cspm', types: ['policy'] }],
      'route "cspm" types: "policy" is not an UPPER_SNAKE_CASE alert type',
    ],
    ['a severity listed twice', [{ name: 'p', severities: ['HIGH', 'HIGH'] }], 'route "p" severities: HIGH is listed twice'],
    ['two routes of one name', [{ name: 'paging' }, { name: 'Paging' }], 'route "Paging" is defined twice'],
    ['an unknown field (a typo)', [{ name: 'paging', severity: ['HIGH'] }], 'route "paging" has unknown field severity'],
    ['a name that cannot name a queue', [{ name: 'on call' }], 'route 0 name "on call": use 1-40 letters, digits and -'],
    ['not an array', { name: 'paging' }, 'routes: must be an array'],
  ])('refuses %s, naming the route and the field', (_name, routes, message) => {
    expect(() => checkRoutes(routes, 'routes')).toThrow(message);
  });

  it('accepts every severity of the schema and any UPPER_SNAKE_CASE type, and keeps only the filter', () => {
    expect(
      checkRoutes([{ name: 'all', severities: ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'], types: ['RULE', 'SOME_NEW_TYPE'] }], 'routes'),
    ).toEqual([{ name: 'all', severities: ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'], types: ['RULE', 'SOME_NEW_TYPE'] }]);
  });

  it('names construct ids and outputs in PascalCase', () => {
    expect(routeId('paging-eu-1')).toBe('RoutePagingEu1');
  });
});
