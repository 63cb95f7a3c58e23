import { matchingRoutes, parseRoutes } from '../../../functions/core/routes';

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
