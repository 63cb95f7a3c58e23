/**
 * Panther's test alert, as its "Send Test Alert" button sends it (captured from Panther SaaS),
 * with a fresh createdAt in the test alerts' form: nanosecond digits, trailing zeros trimmed.
 */
export function pantherTestAlert(now: Date = new Date()): Record<string, unknown> {
  return {
    id: 'Test.Alert',
    createdAt: now.toISOString().replace(/\.?0+Z$/, 'Z'),
    severity: 'INFO',
    type: 'RULE',
    link: 'https://domain.runpanther.net',
    title: 'This is a Test Alert',
    name: 'Test Alert',
    alertId: 'Test.Alert',
    alertContext: {},
    description: 'This is a Test Alert',
    runbook: 'Stuck? Check out our docs: https://docs.runpanther.io',
    tags: ['test'],
    version: 'abcdefg',
  };
}
